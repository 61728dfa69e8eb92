export const contracts = [];

// Contract routing logs every decorator and every expected chaincode error at info/error level;
// tests assert on behaviour, so keep the shim quiet unless a developer asks for its logs.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'critical';

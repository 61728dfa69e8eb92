import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

export function timestampFromDate(date: Date): Timestamp {
  const timestamp = new Timestamp();
  const millis = date.getTime();
  timestamp.setSeconds(Math.floor(millis / 1000));
  timestamp.setNanos((millis % 1000) * 1_000_000);
  return timestamp;
}

export function dateFromTimestamp(timestamp: Timestamp | undefined): Date {
  if (!timestamp) return new Date(0);
  return new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1_000_000));
}

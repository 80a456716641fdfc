/** Every record of an audit log, in order (tests read small logs whole). */
import { readLogContents } from '../../src/audit/log.js';
import type { AuditRecord } from '../../src/audit/record.js';

export const logRecords = (file: string): AuditRecord[] => readLogContents(file, () => true).records.map((r) => r.record);

// Reads a process's resident memory from /proc (Linux): the peak so far (VmHWM) and the current size (VmRSS).
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  peakRssMb: number;
  rssMb: number;
}

function kilobytesOf(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]);
}

export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { peakRssMb: kilobytesOf(status, 'VmHWM') / 1024, rssMb: kilobytesOf(status, 'VmRSS') / 1024 };
}

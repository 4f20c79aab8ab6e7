/** What the numbers were measured on, and how busy the machine was: stored with every result. */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `${process.platform} ${release()}`,
  };
}

/** `os.loadavg()` (1, 5, 15 minutes) and free memory, taken when a result is recorded. */
export function machineLoad(): { loadavg: number[]; freeMemoryMiB: number } {
  return { loadavg: loadavg().map((value) => Math.round(value * 100) / 100), freeMemoryMiB: Math.round(freemem() / 1024 ** 2) };
}

export function describeMachine(info: MachineInfo): string {
  return `${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, ${info.kernel}`;
}

// Moved to scripts/kubernetes-tools.ts (the demo uses it too).
export * from '../../scripts/kubernetes-tools';

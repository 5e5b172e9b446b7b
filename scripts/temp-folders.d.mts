export declare function temporaryFolder(prefix: string, parent?: string): string;
export declare function releaseFolder(dir: string): void;

export declare const ROOT: string;
export interface N8nRuntime {
	node: string;
	n8n: string;
}
export declare function n8nRuntime(): Promise<N8nRuntime>;
export declare function packTarball(): Promise<string>;
export declare function installCommunityPackage(userFolder: string, tarball: string): Promise<void>;
export declare function n8nEnv(options: {
	userFolder: string;
	port: number;
	brokerPort: number;
	host?: string;
	extra?: Record<string, string>;
}): Record<string, string>;
export declare function importAndPublish(options: {
	runtime: N8nRuntime;
	env: Record<string, string>;
	credentials?: object[];
	workflows?: Array<object & { id?: string }>;
	/** which imported workflows to publish (default: all) */
	publish?: (workflow: object & { id?: string }) => boolean;
}): Promise<void>;
export declare function ownerEnv(owner: { email: string; password: string }): Record<string, string>;
export declare function cliFailureSummary(output: string, max?: number): string;
export declare function signIn(
	baseUrl: string,
	account: { email: string; password: string },
): Promise<string>;

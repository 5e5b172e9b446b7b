export interface CredentialRef {
	id: string;
	name: string;
}
export declare function switchStores<W extends { nodes?: object[] }>(
	workflow: W,
	refs: { redis?: CredentialRef; postgres: CredentialRef },
): W;
export declare function repointUrls<W>(workflow: W, from: string, to: string): W;
export declare function shippedWorkflows(): Array<{ file: string; workflow: { id?: string; name: string; nodes: object[] } }>;

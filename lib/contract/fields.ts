// Typed reads of one item's fields. Every problem is an InvalidInputError that names the item
// and the field (`Item 2: labels.pod must be a string`), so a node can report it as is.
import { InvalidInputError } from '../errors';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function itemError(itemIndex: number, field: string, problem: string): InvalidInputError {
	return new InvalidInputError(`Item ${itemIndex}: ${field} ${problem}`, field);
}

const absent = (value: unknown) => value === undefined || value === null || value === '';

/** A string field; absent (or '') → undefined. */
export function stringField(json: Json, field: string, itemIndex: number): string | undefined {
	const value = json[field];
	if (absent(value)) return undefined;
	if (typeof value !== 'string') {
		throw itemError(itemIndex, field, `must be a string, got ${typeof value}`);
	}
	return value;
}

/** An object of strings; absent → undefined. */
export function stringMapField(
	json: Json,
	field: string,
	itemIndex: number,
): Record<string, string> | undefined {
	const value = json[field];
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) throw itemError(itemIndex, field, 'must be an object of strings');
	for (const [name, v] of Object.entries(value)) {
		if (typeof v !== 'string') {
			throw itemError(itemIndex, `${field}.${name}`, `must be a string, got ${typeof v}`);
		}
	}
	return value as Record<string, string>;
}

/** An object; absent → undefined. */
export function objectField(json: Json, field: string, itemIndex: number): Json | undefined {
	const value = json[field];
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) throw itemError(itemIndex, field, 'must be an object');
	return value;
}

/** A timestamp (RFC 3339 string or epoch ms) in ms; absent → undefined. */
export function timeField(json: Json, field: string, itemIndex: number): number | undefined {
	const value = json[field];
	if (absent(value)) return undefined;
	const ms =
		typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
	if (!Number.isFinite(ms)) {
		throw itemError(
			itemIndex,
			field,
			`must be an RFC 3339 timestamp, got ${JSON.stringify(value)}`,
		);
	}
	return ms;
}

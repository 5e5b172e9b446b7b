// Bad input found while reading one item's parameters or series is reported with the item's
// index in the message (the field is already in it), as every node of this package does.
import { InvalidInputError } from '../errors';

export async function namingItem<T>(itemIndex: number, work: () => T | Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof InvalidInputError && !error.message.startsWith('Item ')) {
			throw new InvalidInputError(`Item ${itemIndex}: ${error.message}`, error.field);
		}
		throw error;
	}
}

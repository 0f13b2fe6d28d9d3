import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isDeepStrictEqual } from 'node:util';

/**
 * The attribute a restored raw item carries: the stream sequence number of the re-send it undid.
 * Only this module writes it (the ingest puts whole items without it), so an image carrying it is
 * a restore, and its content is the id's first.
 */
export const RESTORED_OVER = 'restoredOver';

/** Tries of one item's restore: each refusal is a re-send that landed meanwhile. */
const MAX_ATTEMPTS = 5;

type Image = Record<string, AttributeValue>;
type Modify = { sequence: string; oldImage: Image; newImage: Image };

const isRestore = (image: Image) => image[RESTORED_OVER] !== undefined;
const sameContent = (a: Record<string, unknown>, b: Record<string, unknown>) => isDeepStrictEqual(a.event, b.event);

function withoutMark(item: Record<string, unknown>): Record<string, unknown> {
  const { [RESTORED_OVER]: _mark, ...rest } = item;
  return rest;
}

/** The MODIFY records of a raw-event stream batch, per item, in stream order. */
function modifiesByItem(records: readonly DynamoDBRecord[]): Modify[][] {
  const byItem = new Map<string, Modify[]>();
  for (const record of records) {
    const image = record.dynamodb;
    if (record.eventName !== 'MODIFY' || !image?.OldImage || !image.NewImage || !image.SequenceNumber) continue;
    const oldImage = image.OldImage as Image;
    const key = JSON.stringify([oldImage.pk?.S, oldImage.sk?.S]);
    const chain = byItem.get(key) ?? [];
    chain.push({ sequence: image.SequenceNumber, oldImage, newImage: image.NewImage as Image });
    byItem.set(key, chain);
  }
  return [...byItem.values()];
}

/**
 * Keeps each raw-event item at its id's first content. The ingest writes blind, so a re-send with
 * changed content overwrites the item (a MODIFY on the stream, never applied to the aggregates);
 * this puts the first content back, from the MODIFY's old image.
 *
 * Per item, the batch's MODIFYs in order: the first content is the first restored image among
 * them (a restore writes only a first content), else the first MODIFY's old image. The put is
 * conditioned on the item still holding the last new image's content and no restore mark, so it
 * never overwrites a newer write it has not seen. Refused, it learns the item's current content
 * from the refusal (ALL_OLD) and tries again on that: a third re-send that landed before the
 * restore is undone too (leaving it for its own MODIFY would restore the second content, that
 * MODIFY's old image). The restore's own MODIFY carries the mark in its new image and is skipped,
 * so it neither loops nor counts (only INSERTs are applied). A redelivered batch finds the item
 * restored and writes nothing.
 *
 * Exact while the item's stream records reach the consumer in order (as a mapping delivers them).
 * One case it cannot tell apart: two different re-sends before the restore, split across two
 * batches, with the second re-sent again, identically, after the restore; the item then holds the
 * first re-send (the aggregates still hold the first content).
 */
export class RawEventFirstContent {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Restores the items the batch's MODIFYs changed; answers how many puts were made. */
  async restore(event: DynamoDBStreamEvent): Promise<{ restored: number }> {
    let restored = 0;
    for (const chain of modifiesByItem(event.Records)) {
      if (await this.restoreItem(chain)) restored += 1;
    }
    return { restored };
  }

  private async restoreItem(chain: readonly Modify[]): Promise<boolean> {
    const last = chain.at(-1)!;
    if (isRestore(last.newImage)) return false;
    const marked = chain.flatMap((modify) => [modify.oldImage, modify.newImage]).find(isRestore);
    const first = withoutMark(unmarshall(marked ?? chain[0]!.oldImage));
    let current: Record<string, unknown> = unmarshall(last.newImage);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (sameContent(first, current)) return false;
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...first, [RESTORED_OVER]: last.sequence },
            ConditionExpression: 'attribute_not_exists(#restored) AND #event = :current',
            ExpressionAttributeNames: { '#restored': RESTORED_OVER, '#event': 'event' },
            ExpressionAttributeValues: { ':current': current.event },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Gone (expired) or already restored: nothing to put back.
        if (!error.Item || isRestore(error.Item)) return false;
        current = unmarshall(error.Item);
      }
    }
    throw new Error(`raw event ${String(first.sk)}: re-sent faster than it could be restored (${MAX_ATTEMPTS} tries); the batch is retried`);
  }
}

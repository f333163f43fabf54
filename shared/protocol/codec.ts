// Turns raw WebSocket frames into validated messages (size, JSON, version, schema, in that order) and back.
import type { z } from 'zod';
import { PROTOCOL } from '../defaults.js';
import { MessageInvalidError, MessageMalformedError, MessageTooLargeError, messageOf, ProtocolVersionError } from '../errors.js';
import { formatKeyPath } from '../config-file.js';
import { checkReport } from './report-check.js';
import {
  agentMessageSchema,
  directorMessageSchema,
  type AgentMessage,
  type DirectorMessage,
} from './messages.js';

type Frame = string | Buffer | ArrayBuffer | Buffer[];

function frameToText(frame: Frame): string {
  if (typeof frame === 'string') return frame;
  if (Array.isArray(frame)) return Buffer.concat(frame).toString('utf8');
  if (frame instanceof ArrayBuffer) return Buffer.from(frame).toString('utf8');
  return frame.toString('utf8');
}

function frameBytes(frame: Frame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Array.isArray(frame)) return frame.reduce((n, b) => n + b.length, 0);
  return frame.byteLength;
}

function parseObject(frame: Frame): Record<string, unknown> {
  const bytes = frameBytes(frame);
  if (bytes > PROTOCOL.maxMessageBytes) throw new MessageTooLargeError(bytes, PROTOCOL.maxMessageBytes);
  let value: unknown;
  try {
    value = JSON.parse(frameToText(frame));
  } catch (err) {
    throw new MessageMalformedError(messageOf(err));
  }
  if (!isRecord(value)) throw new MessageMalformedError('not an object');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkVersion(obj: Record<string, unknown>): void {
  if ('protocol' in obj && (typeof obj.protocol !== 'number' || !PROTOCOL.versions.includes(obj.protocol))) {
    throw new ProtocolVersionError(obj.protocol, PROTOCOL.versions);
  }
}

function validate<S extends z.ZodType>(schema: S, obj: unknown): z.output<S> {
  const result = schema.safeParse(obj);
  if (result.success) return result.data;
  // zod reports at least one issue whenever parsing fails.
  const issue = result.error.issues[0]!;
  const where = formatKeyPath(issue.path);
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new MessageInvalidError(`${where || 'message'}: ${issue.message}${keys}`);
}

/**
 * Decodes a frame an agent sent; throws a typed error with a stable code if it is not a valid message. Reports, nearly
 * every frame a director receives, take the hand-written check (report-check.ts); hellos and the rest take zod.
 */
export function decodeAgentMessage(frame: Frame): AgentMessage {
  const obj = parseObject(frame);
  checkVersion(obj);
  if (obj.type === 'report') return checkReport(obj);
  return validate(agentMessageSchema, obj);
}

/** Decodes a frame a director sent. */
export function decodeDirectorMessage(frame: Frame): DirectorMessage {
  const obj = parseObject(frame);
  checkVersion(obj);
  return validate(directorMessageSchema, obj);
}

export function encodeMessage(message: AgentMessage | DirectorMessage): string {
  return JSON.stringify(message);
}

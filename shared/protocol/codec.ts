// Turns raw WebSocket frames into validated messages (size, JSON, version, schema, in that order) and back.
import type { z } from 'zod';
import { PROTOCOL } from '../defaults.js';
import { MessageInvalidError, MessageMalformedError, MessageTooLargeError, ProtocolVersionError } from '../errors.js';
import { formatKeyPath } from '../config-file.js';
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
    throw new MessageMalformedError((err as Error).message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MessageMalformedError('not an object');
  return value as Record<string, unknown>;
}

function checkVersion(obj: Record<string, unknown>): void {
  if ('protocol' in obj && !PROTOCOL.versions.includes(obj.protocol as number)) {
    throw new ProtocolVersionError(obj.protocol, PROTOCOL.versions);
  }
}

function validate<S extends z.ZodType>(schema: S, obj: unknown): z.output<S> {
  const result = schema.safeParse(obj);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = formatKeyPath(issue.path);
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new MessageInvalidError(`${where || 'message'}: ${issue.message}${keys}`);
}

/** Decodes a frame an agent sent; throws a typed error with a stable code if it is not a valid message. */
export function decodeAgentMessage(frame: Frame): AgentMessage {
  const obj = parseObject(frame);
  checkVersion(obj);
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

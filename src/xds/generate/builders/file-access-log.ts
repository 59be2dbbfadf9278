/**
 * The file access logger (envoy.access_loggers.file): one line per HTTP
 * request or TCP connection, written to a path on the proxy's host, in a
 * format of Envoy command operators (%START_TIME%, %RESPONSE_CODE%, ...).
 *
 *   AccessLog { name, typed_config: FileAccessLog { path, log_format: SubstitutionFormatString
 *                                                    { text_format_source {inline_string} | json_format, omit_empty_values } } }
 *
 * An access log goes in the `access_log` list of an HTTP connection manager
 * or a TCP proxy; which traffic it describes is its caller's business.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { AccessLogSchema, type AccessLog } from '../../envoy/gen/envoy/config/accesslog/v3/accesslog_pb.js';
import {
  SubstitutionFormatStringSchema,
  type SubstitutionFormatString,
} from '../../envoy/gen/envoy/config/core/v3/substitution_format_string_pb.js';
import { FileAccessLogSchema } from '../../envoy/gen/envoy/extensions/access_loggers/file/v3/file_pb.js';

export const FILE_ACCESS_LOG_NAME = 'envoy.access_loggers.file';

/** A log line: a text template (its line break included), or JSON fields whose values are templates. */
export type LogFormat =
  | { readonly kind: 'text'; readonly template: string; readonly omitEmptyValues: boolean }
  | {
      readonly kind: 'json';
      readonly fields: readonly (readonly [key: string, template: string])[];
      readonly omitEmptyValues: boolean;
    };

function substitutionFormat(format: LogFormat): SubstitutionFormatString {
  if (format.kind === 'text') {
    return create(SubstitutionFormatStringSchema, {
      format: { case: 'textFormatSource', value: { specifier: { case: 'inlineString', value: format.template } } },
      omitEmptyValues: format.omitEmptyValues,
    });
  }
  // protobuf-es holds a google.protobuf.Struct as a plain JSON object.
  const fields = Object.fromEntries(format.fields);
  return create(SubstitutionFormatStringSchema, {
    format: { case: 'jsonFormat', value: fields },
    omitEmptyValues: format.omitEmptyValues,
  });
}

/** An access log entry writing `format` lines to the file at `path`. */
export function fileAccessLog(path: string, format: LogFormat): AccessLog {
  const logger = create(FileAccessLogSchema, {
    path,
    accessLogFormat: { case: 'logFormat', value: substitutionFormat(format) },
  });
  return create(AccessLogSchema, {
    name: FILE_ACCESS_LOG_NAME,
    configType: { case: 'typedConfig', value: anyPack(FileAccessLogSchema, logger) },
  });
}

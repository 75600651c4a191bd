/**
 * One HTTP request exactly as written: the path goes out byte for byte (fetch would resolve
 * `..` and re-encode), the body is the given text or bytes, and no header is added but Host and
 * Content-Length. The answer comes back whole, its body parsed as JSON when it is JSON.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query as they go on the request line (already percent-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export function send(base: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const out = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, json });
        });
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}

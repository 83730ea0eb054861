/** `http://host:port` as a client would write it: IPv6 in brackets, the wildcard address as localhost. */
export function listenUrl(host: string, port: number): string {
  const bracketed = host.includes(":") ? `[${host}]` : host;
  return `http://${bracketed === "0.0.0.0" ? "localhost" : bracketed}:${port}`;
}

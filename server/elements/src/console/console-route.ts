/** What the console shows: a page's path and the organisation, both in the URL (`/keys?organization=…`). */
export interface ConsoleRoute {
  path: string;
  organizationId: string;
}

export function currentRoute(): ConsoleRoute {
  return { path: location.pathname, organizationId: new URLSearchParams(location.search).get("organization") ?? "" };
}

export function routeUrl({ path, organizationId }: ConsoleRoute): string {
  return `${path}?organization=${encodeURIComponent(organizationId)}`;
}

/**
 * Merging response headers and response inits (the model: the Epic Stack's app/utils/misc.tsx).
 * Every header of every source is kept, appended in order: several Set-Cookie lines (a refreshed
 * session and a page's own cookie) all reach the browser.
 */

/** One Headers with every header of every source, in order; null and undefined are skipped. */
export function combineHeaders(...sources: Array<HeadersInit | null | undefined>): Headers {
  const combined = new Headers();
  for (const source of sources) {
    if (!source) continue;
    new Headers(source).forEach((value, name) => {
      // forEach joins repeated headers with ", ", which breaks Set-Cookie: read those one by one.
      if (name !== "set-cookie") combined.append(name, value);
    });
    for (const cookie of new Headers(source).getSetCookie()) combined.append("Set-Cookie", cookie);
  }
  return combined;
}

/**
 * One ResponseInit from several: the last status and statusText win, the headers are combined
 * (combineHeaders).
 */
export function combineResponseInits(...inits: Array<ResponseInit | null | undefined>): ResponseInit {
  let combined: ResponseInit = {};
  for (const init of inits) {
    if (!init) continue;
    combined = { ...combined, ...init, headers: combineHeaders(combined.headers, init.headers) };
  }
  return combined;
}

/**
 * Merging response headers and response inits (after the Epic Stack's combineHeaders and
 * combineResponseInits, with one difference: a header set by a later source replaces the earlier
 * value, as a route setting its own Cache-Control over the session's expects). Set-Cookie lines
 * all add up: a refreshed session and a page's own cookie both reach the browser.
 */

/** One Headers from every source in order (null and undefined skipped): Set-Cookie appended, the rest replaced. */
export function combineHeaders(...sources: Array<HeadersInit | null | undefined>): Headers {
  const combined = new Headers();
  for (const source of sources) {
    if (!source) continue;
    const headers = new Headers(source);
    // forEach joins repeated headers with ", ", which would break Set-Cookie: those come one by one.
    headers.forEach((value, name) => {
      if (name !== "set-cookie") combined.set(name, value);
    });
    for (const cookie of headers.getSetCookie()) combined.append("Set-Cookie", cookie);
  }
  return combined;
}

/**
 * One ResponseInit from several: the last status and statusText given win, the headers are
 * combined (combineHeaders).
 */
export function combineResponseInits(...inits: Array<ResponseInit | null | undefined>): ResponseInit {
  let combined: ResponseInit = {};
  for (const init of inits) {
    if (!init) continue;
    combined = { ...combined, ...init, headers: combineHeaders(combined.headers, init.headers) };
  }
  return combined;
}

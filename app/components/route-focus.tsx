import { useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Announces the new page after a client-side navigation: a polite live region, present from the
 * first render and empty until then, receives the new document title (every route names itself
 * in `meta`). The focus is not moved: the next Tab goes where it goes after a full page load
 * (the skip link first) or stays in the menu that was used
 * (docs/decisions/0029-focus-after-navigation.md). A form answered on the same URL keeps its own
 * focus and messages (app/components/form.tsx). Without JavaScript the region stays empty.
 */
export function RouteFocus() {
  const { pathname, search } = useLocation();
  const region = useRef<HTMLParagraphElement>(null);
  const renders = useRef(0);
  useEffect(() => {
    if (renders.current++ && region.current) region.current.textContent = document.title;
  }, [pathname, search]);
  // Kept to the bytes: it is in every page's first load (docs/performance.md).
  return <p ref={region} aria-live="polite" className="sr-only" />;
}

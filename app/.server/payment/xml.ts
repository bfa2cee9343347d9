/**
 * A small XML reader for SOAP envelopes (PayFiP's answers, the simulator's requests). Web-standard
 * code only (no DOMParser on the server). Elements are named by their local name (prefixes and
 * namespaces are dropped, as eopayment's clear_namespace does); DOCTYPE is refused (no entities,
 * no XXE); comments, processing instructions and CDATA are handled.
 */
export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text directly inside this element (not its children's). */
  text: string;
}

export class XmlError extends Error {
  override name = "XmlError";
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const value = ENTITIES[entity];
    if (value === undefined) throw new XmlError(`unknown entity ${whole}`);
    return value;
  });
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(":") + 1);

export function parseXml(source: string): XmlElement {
  if (/<!DOCTYPE/i.test(source)) throw new XmlError("DOCTYPE is not accepted");
  const root: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const current = stack[stack.length - 1]!;
    if (lt === -1) {
      current.text += decode(source.slice(i));
      break;
    }
    if (lt > i) current.text += decode(source.slice(i, lt));
    if (source.startsWith("<!--", lt)) {
      const end = source.indexOf("-->", lt + 4);
      if (end === -1) throw new XmlError("unterminated comment");
      i = end + 3;
    } else if (source.startsWith("<![CDATA[", lt)) {
      const end = source.indexOf("]]>", lt + 9);
      if (end === -1) throw new XmlError("unterminated CDATA");
      current.text += source.slice(lt + 9, end);
      i = end + 3;
    } else if (source.startsWith("<?", lt)) {
      const end = source.indexOf("?>", lt + 2);
      if (end === -1) throw new XmlError("unterminated processing instruction");
      i = end + 2;
    } else if (source.startsWith("</", lt)) {
      const end = source.indexOf(">", lt);
      if (end === -1) throw new XmlError("unterminated end tag");
      const name = localName(source.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new XmlError(`unexpected </${name}>`);
      i = end + 1;
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(source.slice(lt));
      if (!match) throw new XmlError(`malformed tag at ${lt}`);
      const attributes: Record<string, string> = {};
      for (const a of match[2]!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[a[1]!] = decode(a[2] ?? a[3] ?? "");
      }
      const element: XmlElement = { name: localName(match[1]!), attributes, children: [], text: "" };
      current.children.push(element);
      if (match[3] !== "/") stack.push(element);
      i = lt + match[0].length;
    }
  }
  if (stack.length !== 1) throw new XmlError(`unclosed <${stack[stack.length - 1]!.name}>`);
  const top = root.children.filter((c) => c);
  if (top.length !== 1) throw new XmlError("a document has exactly one root element");
  return top[0]!;
}

/** The first element named `name` at any depth below `element` (depth-first). */
export function findElement(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) {
    if (child.name === name) return child;
    const found = findElement(child, name);
    if (found) return found;
  }
  return undefined;
}

/** Text of the direct child `name`, trimmed; undefined when absent. */
export function childText(element: XmlElement, name: string): string | undefined {
  const child = element.children.find((c) => c.name === name);
  return child === undefined ? undefined : child.text.trim();
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

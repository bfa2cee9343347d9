import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { zipStream, type ZipSource } from "~/.server/invoice-zip-stream";
import { dayInFrance, entryName } from "~/.server/invoice-zip";

/** A body of `chunks` chunks of `size` bytes each (byte value: the chunk's index). */
function body(chunks: number, size: number, failAfter?: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && sent === failAfter) return controller.error(new Error("lecture impossible"));
      if (sent === chunks) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(sent++ & 0xff));
    },
  });
}

function source(name: string, open: ZipSource<string>["open"]): ZipSource<string> {
  return { item: name, name, date: new Date("2017-07-10T12:00:00"), open };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("zipStream", () => {
  it("writes every file stored as is, skips the missing ones and ends with the readme that names them", async () => {
    const stream = zipStream(
      [
        source("a.pdf", async () => ({ body: body(3, 1000) })),
        source("absent.pdf", async () => null),
        source("vide.pdf", async () => ({ body: body(0, 0) })),
      ],
      "LISEZMOI.txt",
      (missing) => `manquants : ${missing.join(", ")}\nfin`,
    );
    const entries = unzipSync(await readAll(stream));
    expect(Object.keys(entries)).toEqual(["a.pdf", "vide.pdf", "LISEZMOI.txt"]);
    expect([...entries["a.pdf"]!.slice(998, 1002)]).toEqual([0, 0, 1, 1]);
    expect(entries["a.pdf"]!.length).toBe(3000);
    expect(entries["vide.pdf"]!.length).toBe(0);
    expect(strFromU8(entries["LISEZMOI.txt"]!)).toBe("manquants : absent.pdf\r\nfin");
  });

  it("opens a file only when the archive reaches it, and reads it only as the reader asks", async () => {
    const opened: string[] = [];
    let pulledChunks = 0;
    const counting = (name: string): ZipSource<string> =>
      source(name, async () => {
        opened.push(name);
        return {
          body: new ReadableStream<Uint8Array>({
            pull(controller) {
              if (pulledChunks >= 1000) return controller.close();
              pulledChunks++;
              controller.enqueue(new Uint8Array(64 * 1024));
            },
          }),
        };
      });
    const reader = zipStream([counting("1.pdf"), counting("2.pdf"), counting("3.pdf")], "LISEZMOI.txt", () => "").getReader();
    await reader.read();
    await reader.read();
    expect(opened).toEqual(["1.pdf"]);
    expect(pulledChunks).toBeLessThanOrEqual(2);
    await reader.cancel();
  });

  it("errors the stream when a file fails mid-way: what arrived is no complete zip", async () => {
    const stream = zipStream(
      [source("a.pdf", async () => ({ body: body(3, 1000) })), source("b.pdf", async () => ({ body: body(5, 1000, 2) }))],
      "LISEZMOI.txt",
      () => "",
    );
    const reader = stream.getReader();
    const received: Uint8Array[] = [];
    const outcome = await (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return "complete";
        received.push(value);
      }
    })().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe("lecture impossible");
    const partial = new Uint8Array(Buffer.concat(received));
    expect(partial.length).toBeGreaterThan(3000);
    expect(() => unzipSync(partial)).toThrow();
  });

  it("errors the stream when opening a file throws (a file store failure, not a missing file)", async () => {
    const stream = zipStream(
      [
        source("b.pdf", async () => {
          throw new Error("stockage indisponible");
        }),
      ],
      "LISEZMOI.txt",
      () => "",
    );
    await expect(readAll(stream)).rejects.toThrow("stockage indisponible");
  });
});

describe("entryName", () => {
  it("keeps ASCII letters, digits, dot and dash; drops accents; never a separator or a leading dot", () => {
    const taken = new Set<string>();
    expect(entryName("Régie des eaux", "2017-020-002059", taken)).toBe("Regie-des-eaux_2017-020-002059.pdf");
    expect(entryName("Régie des eaux", "2017-020-002059", taken)).toBe("Regie-des-eaux_2017-020-002059-2.pdf");
    expect(entryName("RÉGIE DES EAUX", "2017-020-002059", taken)).toBe("REGIE-DES-EAUX_2017-020-002059-3.pdf");
    expect(entryName("../..", "/etc/passwd", taken)).toBe("service_etc-passwd.pdf");
    // Letters without an ASCII decomposition become dashes, like separators and reserved characters.
    expect(entryName("Œuvre ß", 'a\\b:c*d?e"f<g>h|i', taken)).toBe("uvre_a-b-c-d-e-f-g-h-i.pdf");
    expect(entryName("", "", taken)).toBe("service_sans-numero.pdf");
    expect(entryName("x".repeat(300), "1", taken)).toBe(`${"x".repeat(60)}_1.pdf`);
    for (const name of taken) expect(name).toMatch(/^[a-z0-9][a-z0-9._-]*\.pdf$/);
  });
});

describe("dayInFrance", () => {
  it("is the day in Paris, not in UTC", () => {
    expect(dayInFrance(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
    expect(dayInFrance(new Date("2026-07-01T21:59:00Z"))).toBe("2026-07-01");
  });
});

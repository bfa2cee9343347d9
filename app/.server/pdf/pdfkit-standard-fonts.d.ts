// pdfkit's standard-font metrics as modules (package.json "exports" of pdfkit); @types/pdfkit does
// not declare them. Used by app/.server/pdf/document.ts, docs/decisions/0023-pdf-library.md.
declare module "pdfkit/standard-fonts/Helvetica" {
  const font: { name: "Helvetica" };
  export default font;
}
declare module "pdfkit/standard-fonts/HelveticaBold" {
  const font: { name: "Helvetica-Bold" };
  export default font;
}

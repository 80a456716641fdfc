/** Unicode line breaking (UAX #14), the package pdfkit breaks lines with (it ships no type declarations). */
declare module 'linebreak' {
  export interface Break {
    /** Offset in the text (UTF-16 code units) where a line may end. */
    readonly position: number;
    /** A line must end here (a line feed or similar). */
    readonly required: boolean;
  }
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
}

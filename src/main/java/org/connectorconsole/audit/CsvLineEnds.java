package org.connectorconsole.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Passes CSV from PostgreSQL's COPY through, turning each record's LF into CRLF (RFC 4180) while leaving line
 * breaks inside quoted fields as they are, counting records (progress every 1,000), and neutralising formula
 * cells: a cell of one of the chosen columns whose text starts with {@code = + - @}, tab or CR gets a leading
 * apostrophe, so a spreadsheet shows it as text instead of running it (the apostrophe goes inside the quotes of a
 * quoted cell). Done here, in one pass over the bytes, rather than by an expression per cell in the query: that
 * expression made PostgreSQL's part of an export about 40% slower (issue 21).
 */
final class CsvLineEnds extends BufferedPass {

    private final LongConsumer progress;
    private final boolean[] neutralised;
    private boolean quoted;
    private long rows;
    /** The column the next byte belongs to. */
    private int column;
    /** The next byte is the first of a cell (or ends an empty one). */
    private boolean cellStart = true;
    /** The last byte opened a quoted cell: the next one is its text's first (or closes it). */
    private boolean afterOpeningQuote;

    /** {@code neutralisedColumns}: the zero-based columns whose cells are neutralised (none when empty). */
    CsvLineEnds(OutputStream out, LongConsumer progress, int... neutralisedColumns) {
        super(out);
        this.progress = progress;
        int size = 0;
        for (int c : neutralisedColumns) {
            size = Math.max(size, c + 1);
        }
        this.neutralised = new boolean[size];
        for (int c : neutralisedColumns) {
            neutralised[c] = true;
        }
    }

    private static boolean formulaStart(byte b) {
        return b == '=' || b == '+' || b == '-' || b == '@' || b == '\t' || b == '\r';
    }

    private boolean neutralises(int col) {
        return col < neutralised.length && neutralised[col];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int run = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (cellStart) {
                cellStart = false;
                if (c == '"') {
                    afterOpeningQuote = true;
                } else if (formulaStart(c) && neutralises(column)) {
                    append(b, run, i - run);
                    put('\'');
                    run = i;
                }
            } else if (afterOpeningQuote) {
                afterOpeningQuote = false;
                if (formulaStart(c) && neutralises(column)) {
                    append(b, run, i - run);
                    put('\'');
                    run = i;
                }
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                column++;
                cellStart = true;
            } else if (c == '\n' && !quoted) {
                append(b, run, i - run);
                put('\r');
                put('\n');
                run = i + 1;
                column = 0;
                cellStart = true;
                rows++;
                if (rows % 1000 == 0) {
                    progress.accept(rows);
                }
            }
        }
        append(b, run, end - run);
    }



    long rows() {
        return rows;
    }
}

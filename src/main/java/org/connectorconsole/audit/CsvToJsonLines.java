package org.connectorconsole.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Turns CSV from PostgreSQL's COPY into JSON Lines in one pass over the bytes, as they stream: each record becomes
 * an object with the given keys, a text cell a JSON string (quotes, backslashes, control characters, U+2028 and
 * U+2029 escaped), a raw cell (a number, or a JSON object as PostgreSQL stores it) copied as it is, and an unquoted
 * empty cell (COPY's NULL) {@code null}. PostgreSQL then only has to write plain CSV, as fast as {@code psql
 * \copy}; making JSON in the query ({@code row_to_json}) cost about twice that (issue 21). Counts records
 * (progress every 1,000) and keeps the last record's values of the columns asked for, for the export's trailer.
 * Bytes arrive in pieces of any size.
 */
final class CsvToJsonLines extends BufferedPass {

    /** How a column's cells are written. */
    enum Kind {
        /** A JSON string. */
        TEXT,
        /** As it is: a number, or JSON text. */
        RAW
    }

    private static final int START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final byte[][] keys;
    private final Kind[] kinds;
    private final boolean[] kept;
    private final LongConsumer progress;
    private int state = START;
    private int column;
    /** How many bytes of E2 80 (A8|A9) were seen last in a text cell and held back. */
    private int held;
    private long rows;
    private final StringBuilder[] current;
    private String[] last;

    /** {@code keep}: the columns whose values in the last record {@link #last(int)} tells. */
    CsvToJsonLines(OutputStream out, String[] names, Kind[] kinds, LongConsumer progress, int... keep) {
        super(out);
        this.keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = ((i == 0 ? "{\"" : ",\"") + names[i] + "\":").getBytes(StandardCharsets.UTF_8);
        }
        this.kinds = kinds.clone();
        this.kept = new boolean[names.length];
        this.current = new StringBuilder[names.length];
        for (int k : keep) {
            kept[k] = true;
            current[k] = new StringBuilder();
        }
        this.last = new String[names.length];
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        accept(b & 0xff);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            // fast path: a run of bytes inside a cell that need no escaping is copied at once
            if ((state == UNQUOTED || state == QUOTED) && held == 0
                    && !(column < kept.length && kept[column])) {
                int run = plainRun(b, i, end);
                if (run > i) {
                    append(b, i, run - i);
                    i = run;
                    continue;
                }
            }
            accept(b[i] & 0xff);
            i++;
        }
    }

    /** Where the bytes from {@code i} stop being copyable as they are (the first that needs a decision). */
    private int plainRun(byte[] b, int i, int end) {
        boolean quotedCell = state == QUOTED;
        if (!text()) {
            while (i < end) {
                byte c = b[i];
                if (c == '"' || c == (byte) 0xE2 || (!quotedCell && (c == ',' || c == '\n'))) {
                    break;
                }
                i++;
            }
            return i;
        }
        while (i < end) {
            byte c = b[i];
            // ASCII below 0x20, the quote, the backslash, the comma (a cell's end outside quotes) and E2 (which
            // may start U+2028 or U+2029) need a decision; every other byte (UTF-8 included) goes as it is
            if ((c >= 0 && c < 0x20) || c == '"' || c == '\\' || c == ',' || c == (byte) 0xE2) {
                break;
            }
            i++;
        }
        return i;
    }

    private void accept(int c) throws IOException {
        switch (state) {
            case START -> {
                append(keys[Math.min(column, keys.length - 1)]);
                if (c == '"') {
                    openValue();
                    state = QUOTED;
                } else if (c == ',') {
                    append(NULL);
                    column++;
                } else if (c == '\n') {
                    append(NULL);
                    endRecord();
                } else {
                    openValue();
                    state = UNQUOTED;
                    content(c);
                }
            }
            case UNQUOTED -> {
                if (!endValue(c)) {
                    content(c);
                }
            }
            case QUOTED -> {
                if (c == '"') {
                    state = QUOTE_IN_QUOTED;
                } else {
                    content(c);
                }
            }
            default -> { // a quote inside a quoted cell: doubled, or the cell's end
                if (c == '"') {
                    content('"');
                    state = QUOTED;
                } else if (!endValue(c)) {
                    content(c); // not what COPY writes; kept rather than lost
                    state = QUOTED;
                }
            }
        }
    }

    /** After a value: a comma closes it and opens the next cell, a newline closes it and the record. */
    private boolean endValue(int c) throws IOException {
        if (c == ',') {
            closeValue();
            column++;
            state = START;
            return true;
        }
        if (c == '\n') {
            closeValue();
            endRecord();
            return true;
        }
        return false;
    }

    private boolean text() {
        return column >= kinds.length || kinds[column] == Kind.TEXT;
    }

    private void openValue() throws IOException {
        if (text()) {
            put('"');
        }
        if (column < kept.length && kept[column]) {
            current[column].setLength(0);
        }
    }

    private void closeValue() throws IOException {
        releaseHeld();
        if (text()) {
            put('"');
        }
    }

    private void content(int c) throws IOException {
        if (column < kept.length && kept[column]) {
            current[column].append((char) c); // ASCII columns (numbers, hashes)
        }
        if (held == 1) {
            if (c == 0x80) {
                held = 2;
                return;
            }
            releaseHeld();
        } else if (held == 2) {
            held = 0;
            if (c == 0xA8 || c == 0xA9) {
                escapeUnicode(c == 0xA8 ? 0x2028 : 0x2029);
                return;
            }
            put(0xE2);
            put(0x80);
        }
        if (c == 0xE2) {
            held = 1; // U+2028 and U+2029 are escaped in raw JSON too: PostgreSQL's jsonb output keeps them raw
            return;
        }
        if (!text()) {
            put(c);
            return;
        }
        switch (c) {
            case '"' -> {
                put('\\');
                put('"');
            }
            case '\\' -> {
                put('\\');
                put('\\');
            }
            case '\n' -> {
                put('\\');
                put('n');
            }
            case '\r' -> {
                put('\\');
                put('r');
            }
            case '\t' -> {
                put('\\');
                put('t');
            }
            default -> {
                if (c < 0x20) {
                    escapeUnicode(c);
                } else {
                    put(c);
                }
            }
        }
    }

    private void releaseHeld() throws IOException {
        if (held >= 1) {
            put(0xE2);
        }
        if (held == 2) {
            put(0x80);
        }
        held = 0;
    }

    private void escapeUnicode(int codePoint) throws IOException {
        put('\\');
        put('u');
        put(HEX[(codePoint >> 12) & 0xf]);
        put(HEX[(codePoint >> 8) & 0xf]);
        put(HEX[(codePoint >> 4) & 0xf]);
        put(HEX[codePoint & 0xf]);
    }

    private void endRecord() throws IOException {
        put('}');
        put('\n');
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                last[i] = current[i].toString();
                current[i].setLength(0);
            }
        }
        column = 0;
        state = START;
        rows++;
        if (rows % 1000 == 0) {
            progress.accept(rows);
        }
    }

    private void append(byte[] bytes) throws IOException {
        append(bytes, 0, bytes.length);
    }



    long rows() {
        return rows;
    }

    /** The last record's value of a kept column: null when there was no record or the cell was NULL. */
    String last(int column) {
        return rows == 0 || last[column] == null || last[column].isEmpty() ? null : last[column];
    }
}

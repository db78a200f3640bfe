package org.connectorconsole.audit;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Passes JSON Lines from PostgreSQL's COPY through (one {@code row_to_json} object a line), escaping the two
 * characters JSON allows raw but JavaScript and many line-oriented readers take for line ends (U+2028 and U+2029,
 * as {@code \u2028} and {@code \u2029}; they can only occur inside JSON strings, so the escape keeps the value),
 * counting lines (progress every 1,000) and keeping the last one for the export's trailer. Bytes arrive in pieces
 * of any size; a character split between two pieces is handled.
 */
final class JsonLinesPass extends FilterOutputStream {

    private static final byte[] LS = "\\u2028".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PS = "\\u2029".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final LongConsumer progress;
    private final byte[] buffer = new byte[1 << 16];
    private int length;
    private long rows;
    /** How many bytes of E2 80 (A8|A9) were seen last and held back. */
    private int held;
    private ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private ByteArrayOutputStream lastLine = new ByteArrayOutputStream(1024);

    JsonLinesPass(OutputStream out, LongConsumer progress) {
        super(out);
        this.progress = progress;
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
            int c = b[i] & 0xff;
            if (held == 0) {
                if (c == 0xE2) {
                    emit(b, run, i - run);
                    held = 1;
                    run = i + 1;
                } else if (c == '\n') {
                    emit(b, run, i + 1 - run);
                    run = i + 1;
                    endOfLine();
                }
            } else if (held == 1) {
                if (c == 0x80) {
                    held = 2;
                    run = i + 1;
                } else {
                    releaseHeld();
                    run = i;
                    i--; // look at this byte again, as if nothing was held
                }
            } else {
                held = 0;
                if (c == 0xA8 || c == 0xA9) {
                    emit(c == 0xA8 ? LS : PS, 0, 6);
                    run = i + 1;
                } else {
                    emit(new byte[] {(byte) 0xE2, (byte) 0x80}, 0, 2);
                    run = i;
                    i--;
                }
            }
        }
        if (held == 0) {
            emit(b, run, end - run);
        }
    }

    /** The bytes held back were not the start of U+2028 or U+2029 after all. */
    private void releaseHeld() throws IOException {
        emit(new byte[] {(byte) 0xE2}, 0, 1);
        held = 0;
    }

    private void endOfLine() {
        rows++;
        if (rows % 1000 == 0) {
            progress.accept(rows);
        }
        ByteArrayOutputStream done = line;
        line = lastLine;
        lastLine = done;
        line.reset();
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        line.write(b, off, len);
        while (len > 0) {
            if (length == buffer.length) {
                out.write(buffer, 0, length);
                length = 0;
            }
            int n = Math.min(len, buffer.length - length);
            System.arraycopy(b, off, buffer, length, n);
            length += n;
            off += n;
            len -= n;
        }
    }

    long rows() {
        return rows;
    }

    /** The last complete line, without its line end; empty when there was none. */
    String lastLine() {
        String text = lastLine.toString(java.nio.charset.StandardCharsets.UTF_8);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void flush() throws IOException {
        if (held == 1) {
            releaseHeld();
        } else if (held == 2) {
            held = 0;
            emit(new byte[] {(byte) 0xE2, (byte) 0x80}, 0, 2);
        }
        out.write(buffer, 0, length);
        length = 0;
        out.flush();
    }
}

package org.connectorconsole.audit;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Passes CSV through, turning each record's LF into CRLF (RFC 4180) while leaving line breaks inside quoted
 * fields as they are, and counting records (progress every 1,000).
 */
final class CsvLineEnds extends FilterOutputStream {

    private final LongConsumer progress;
    private final byte[] buffer = new byte[1 << 16];
    private int length;
    private boolean quoted;
    private long rows;

    CsvLineEnds(OutputStream out, LongConsumer progress) {
        super(out);
        this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '"') {
            quoted = !quoted;
        } else if (b == '\n' && !quoted) {
            put('\r');
            rows++;
            if (rows % 1000 == 0) {
                progress.accept(rows);
            }
        }
        put(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int run = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' && !quoted) {
                append(b, run, i - run);
                put('\r');
                put('\n');
                run = i + 1;
                rows++;
                if (rows % 1000 == 0) {
                    progress.accept(rows);
                }
            }
        }
        append(b, run, end - run);
    }

    private void append(byte[] b, int off, int len) throws IOException {
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

    private void put(int b) throws IOException {
        if (length == buffer.length) {
            out.write(buffer, 0, length);
            length = 0;
        }
        buffer[length++] = (byte) b;
    }

    long rows() {
        return rows;
    }

    @Override
    public void flush() throws IOException {
        out.write(buffer, 0, length);
        length = 0;
        out.flush();
    }
}

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
        for (int i = off; i < off + len; i++) {
            write(b[i]);
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

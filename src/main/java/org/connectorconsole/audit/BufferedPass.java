package org.connectorconsole.audit;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The output side shared by the export's passes over COPY's bytes ({@link CsvLineEnds}, {@link CsvToJsonLines}):
 * a 64 KB buffer filled byte by byte or by runs, handed on whole.
 */
abstract class BufferedPass extends FilterOutputStream {

    private final byte[] buffer = new byte[1 << 16];
    private int length;

    BufferedPass(OutputStream out) {
        super(out);
    }

    final void append(byte[] b, int off, int len) throws IOException {
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

    final void put(int b) throws IOException {
        if (length == buffer.length) {
            out.write(buffer, 0, length);
            length = 0;
        }
        buffer[length++] = (byte) b;
    }

    /** Hands on what is buffered, then flushes the stream below. */
    @Override
    public void flush() throws IOException {
        out.write(buffer, 0, length);
        length = 0;
        out.flush();
    }
}

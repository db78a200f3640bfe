package org.connectorconsole.audit;

import java.io.OutputStream;
import java.util.function.LongConsumer;

/** Test access to the package-private CSV line-end filter. */
public final class CsvLineEndsAccess {

    private CsvLineEndsAccess() {
    }

    public static OutputStream create(OutputStream out, LongConsumer progress, int... neutralisedColumns) {
        return new CsvLineEnds(out, progress, neutralisedColumns);
    }

    public static long rows(OutputStream ends) {
        return ((CsvLineEnds) ends).rows();
    }
}

package dev.perceptwatch.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr (redrawn at most five times a second) and the closing summary. */
final class Progress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final int total;
    private final boolean bar;
    private int done;
    private int failed;
    private long lastDraw;

    Progress(PrintWriter err, int total, boolean bar) {
        this.err = err;
        this.total = total;
        this.bar = bar;
    }

    void advance(boolean failure) {
        done++;
        failed += failure ? 1 : 0;
        long now = System.nanoTime();
        if (bar && (done == total || now - lastDraw > REDRAW_NANOS)) {
            lastDraw = now;
            int filled = total == 0 ? WIDTH : WIDTH * done / total;
            err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total
                    + " pairs" + (failed > 0 ? ", " + failed + " failed" : ""));
            err.flush();
        }
    }

    void clearLine() {
        if (bar && done > 0) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
        }
    }

    void done(int failures, long nanos) {
        if (bar && done > 0) {
            err.println();
        }
        double seconds = nanos / 1e9;
        err.printf(Locale.ROOT, "scored %d of %d pairs in %.1f s (%.1f pairs/s); %d failed%n",
                total - failures, total, seconds, seconds > 0 ? (total - failures) / seconds : 0.0, failures);
        err.flush();
    }
}

package dev.perceptwatch.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;

/** A benchmark's figures: rounded to three decimals, and printed as the one JSON line each benchmark ends with. */
final class Figures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Figures() {
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static void print(Map<String, Object> figures, PrintWriter out) throws JsonProcessingException {
        out.println(JSON.writeValueAsString(figures));
        out.flush();
    }
}

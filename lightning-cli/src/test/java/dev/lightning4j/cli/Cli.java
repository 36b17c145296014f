package dev.lightning4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Runs {@link Main} in-process and captures what it prints. */
final class Cli {
    /** Exit status, stdout and stderr of one command. */
    record Result(int status, String out, String err) {
        /** The printed YAML (after {@code --print-config}), parsed. */
        Map<String, Object> yaml() {
            return new Yaml().load(out);
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The tiny test configuration's path. */
    static String tiny() {
        try {
            return Path.of(Cli.class.getResource("/tiny.yaml").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> tree, String dotted) {
        Object node = tree;
        for (String k : dotted.split("\\.")) {
            node = ((Map<String, Object>) node).get(k);
        }
        return (T) node;
    }
}

package dev.lightning4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: the subcommand, the configuration sources in the order given
 * ({@code --config} files and {@code --key=value} overrides; later ones win, as in LightningCLI),
 * and the subcommand's own flags.
 */
public final class CliArgs {
    /** A configuration source: a YAML file or one dotted override. */
    public sealed interface Source permits ConfigFile, Override {
    }

    /** {@code --config path.yaml}. */
    public record ConfigFile(Path path) implements Source {
    }

    /** {@code --trainer.max_epochs=3}: the dotted key and the value parsed as YAML. */
    public record Override(String key, Object value) implements Source {
    }

    private final String command;
    private final List<Source> sources;
    private final Map<String, String> flags;
    private final boolean printConfig;
    private final boolean help;

    private CliArgs(String command, List<Source> sources, Map<String, String> flags, boolean printConfig, boolean help) {
        this.command = command;
        this.sources = sources;
        this.flags = flags;
        this.printConfig = printConfig;
        this.help = help;
    }

    /**
     * Parses the arguments after the subcommand. {@code valueFlags} take a value ({@code --out DIR}),
     * {@code switches} do not ({@code --strict}); anything else must be a configuration key.
     */
    public static CliArgs parse(String command, List<String> args, Set<String> valueFlags, Set<String> switches) {
        List<Source> sources = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        boolean printConfig = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            if (!a.startsWith("-")) {
                throw new CliException("unexpected argument '" + a + "'; options look like --config FILE or --trainer.max_epochs=3");
            }
            String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            String flag = name.replace('_', '-');
            if (flag.equals("print-config")) {
                printConfig = true;
                continue;
            }
            if (switches.contains(flag)) {
                flags.put(flag, value == null ? "true" : value);
                continue;
            }
            boolean isConfig = flag.equals("config") || flag.equals("c");
            boolean isFlag = valueFlags.contains(flag);
            boolean isKey = Configs.TOP_LEVEL.contains(name.split("\\.", 2)[0]);
            if (!isConfig && !isFlag && !isKey) {
                Set<String> options = new LinkedHashSet<>(List.of("config", "print-config", "help"));
                options.addAll(valueFlags);
                options.addAll(switches);
                options.addAll(Configs.TOP_LEVEL);
                String hint = Names.didYouMean(name, options, "--");
                if (hint.isEmpty() && TrainerOptions.keys().contains(name)) {
                    hint = "; did you mean --trainer." + name + "?";
                }
                throw new CliException("unknown option " + a + hint);
            }
            if (value == null) {
                if (i + 1 >= args.size() || (args.get(i + 1).startsWith("--"))) {
                    throw new CliException(a + " needs a value (" + a + "=VALUE or " + a + " VALUE)");
                }
                value = args.get(++i);
            }
            if (isConfig) {
                sources.add(new ConfigFile(Path.of(value)));
            } else if (isFlag) {
                flags.put(flag, value);
            } else {
                sources.add(new Override(name, Configs.parseValue(value)));
            }
        }
        return new CliArgs(command, sources, flags, printConfig, help);
    }

    /** Merges the configuration sources in order into one tree. */
    public Map<String, Object> tree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Source s : sources) {
            if (s instanceof ConfigFile f) {
                Configs.merge(tree, Configs.load(f.path()));
            } else {
                Override o = (Override) s;
                Configs.override(tree, o.key(), o.value());
            }
        }
        return tree;
    }

    /** The subcommand. */
    public String command() {
        return command;
    }

    /** The configuration sources, in order. */
    public List<Source> sources() {
        return sources;
    }

    /** A subcommand flag's value, or null. */
    public String flag(String name) {
        return flags.get(name);
    }

    /** True when {@code --print-config} was given. */
    public boolean printConfig() {
        return printConfig;
    }

    /** True when {@code --help} was given. */
    public boolean help() {
        return help;
    }
}

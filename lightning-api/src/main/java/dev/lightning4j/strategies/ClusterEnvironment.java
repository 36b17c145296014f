package dev.lightning4j.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where this process sits in a distributed job: its rank, the world size and every worker's
 * {@code host:port} (index = rank), as Lightning's cluster environments. Read from the environment:
 *
 * <ul>
 *   <li>{@code LIGHTNING_RANK}, {@code LIGHTNING_WORLD_SIZE}, {@code LIGHTNING_WORKERS=host:port,host:port,...}
 *       (Kubernetes, torchrun-style launchers, the Trainer's own local launcher);</li>
 *   <li>SLURM: {@code SLURM_PROCID}, {@code SLURM_NTASKS}, and the workers from
 *       {@code LIGHTNING_WORKERS} when set, else from {@code SLURM_STEP_NODELIST} (or
 *       {@code SLURM_JOB_NODELIST}) with {@code SLURM_NTASKS_PER_NODE} tasks per node on ports
 *       {@code LIGHTNING_PORT} (default {@value #DEFAULT_PORT}) + local index, in SLURM's block order.</li>
 * </ul>
 *
 * @param rank       this process, 0 to worldSize - 1
 * @param worldSize  the number of processes
 * @param workers    every process's collective-server address, by rank
 * @param source     what the values were read from, for messages
 */
public record ClusterEnvironment(int rank, int worldSize, List<String> workers, String source) {
    /** Rank of this process. */
    public static final String RANK = "LIGHTNING_RANK";
    /** Number of processes. */
    public static final String WORLD_SIZE = "LIGHTNING_WORLD_SIZE";
    /** Comma-separated {@code host:port} of every process, by rank. */
    public static final String WORKERS = "LIGHTNING_WORKERS";
    /** The first port used when workers are derived from a SLURM node list. */
    public static final String PORT = "LIGHTNING_PORT";
    /** Default of {@value #PORT}. */
    public static final int DEFAULT_PORT = 29500;

    /** Validates. */
    public ClusterEnvironment {
        workers = List.copyOf(workers);
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("cluster environment (" + source + "): rank " + rank
                    + " is not within world size " + worldSize);
        }
        if (workers.size() != worldSize) {
            throw new IllegalArgumentException("cluster environment (" + source + "): " + workers.size()
                    + " worker addresses " + workers + " for world size " + worldSize + "; give one host:port per rank");
        }
        for (String w : workers) {
            int colon = w.lastIndexOf(':');
            if (colon <= 0 || colon == w.length() - 1) {
                throw new IllegalArgumentException("cluster environment (" + source + "): worker address '" + w
                        + "' is not host:port");
            }
        }
    }

    /** This process's own address. */
    public String self() {
        return workers.get(rank);
    }

    /** The environment of this process, when it describes a distributed job. */
    public static Optional<ClusterEnvironment> detect() {
        return detect(System.getenv());
    }

    /** The job {@code env} describes, if any; incomplete or inconsistent settings fail with what is missing. */
    public static Optional<ClusterEnvironment> detect(Map<String, String> env) {
        if (env.containsKey(RANK) || env.containsKey(WORLD_SIZE)) {
            int rank = integer(env, RANK);
            int world = integer(env, WORLD_SIZE);
            String workers = env.get(WORKERS);
            if (workers == null || workers.isBlank()) {
                throw new IllegalArgumentException(RANK + "/" + WORLD_SIZE + " are set but " + WORKERS
                        + " is not; set it to the comma-separated host:port of every rank, in rank order");
            }
            return Optional.of(new ClusterEnvironment(rank, world, split(workers), "LIGHTNING_* variables"));
        }
        if (env.containsKey("SLURM_PROCID") && env.containsKey("SLURM_NTASKS")) {
            int rank = integer(env, "SLURM_PROCID");
            int world = integer(env, "SLURM_NTASKS");
            String workers = env.get(WORKERS);
            if (workers != null && !workers.isBlank()) {
                return Optional.of(new ClusterEnvironment(rank, world, split(workers), "SLURM with " + WORKERS));
            }
            String nodes = env.getOrDefault("SLURM_STEP_NODELIST", env.get("SLURM_JOB_NODELIST"));
            if (nodes == null) {
                throw new IllegalArgumentException("SLURM job without SLURM_STEP_NODELIST/SLURM_JOB_NODELIST; set " + WORKERS);
            }
            List<String> hosts = expandHostList(nodes);
            int perNode = env.containsKey("SLURM_NTASKS_PER_NODE")
                    ? Integer.parseInt(env.get("SLURM_NTASKS_PER_NODE").replaceAll("\\(.*", "").trim())
                    : Math.max(1, world / hosts.size());
            int port = env.containsKey(PORT) ? integer(env, PORT) : DEFAULT_PORT;
            List<String> all = new ArrayList<>();
            for (String h : hosts) {
                for (int i = 0; i < perNode; i++) {
                    all.add(h + ":" + (port + i));
                }
            }
            return Optional.of(new ClusterEnvironment(rank, world, all.subList(0, Math.min(world, all.size())), "SLURM"));
        }
        return Optional.empty();
    }

    /** Expands a SLURM host list such as {@code node[01-03,07],gpu5} into host names. */
    static List<String> expandHostList(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String item = list.substring(start, i).trim();
                start = i + 1;
                if (item.isEmpty()) {
                    continue;
                }
                int open = item.indexOf('[');
                if (open < 0) {
                    out.add(item);
                    continue;
                }
                String prefix = item.substring(0, open);
                String suffix = item.substring(item.indexOf(']') + 1);
                for (String range : item.substring(open + 1, item.indexOf(']')).split(",")) {
                    String[] ends = range.split("-");
                    int width = ends[0].length();
                    int lo = Integer.parseInt(ends[0]);
                    int hi = ends.length > 1 ? Integer.parseInt(ends[1]) : lo;
                    for (int n = lo; n <= hi; n++) {
                        out.add(prefix + String.format("%0" + width + "d", n) + suffix);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> split(String workers) {
        List<String> out = new ArrayList<>();
        for (String w : workers.split(",")) {
            if (!w.isBlank()) {
                out.add(w.trim());
            }
        }
        return out;
    }

    private static int integer(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null) {
            throw new IllegalArgumentException("distributed environment: " + key + " is not set");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("distributed environment: " + key + " = '" + v + "' is not an integer", e);
        }
    }
}

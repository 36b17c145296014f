package dev.lightning4j.loggers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a logger's run lives: {@code <rootDir>/<name>/<version>}, as Lightning lays out
 * {@code save_dir/name/version_<n>}. An empty name puts the version folder directly under the
 * root directory. Use {@link #resolve} to pick the next free {@code version_<n>}.
 *
 * @param rootDir the root (Lightning's {@code save_dir})
 * @param name the experiment name, possibly empty
 * @param version the version folder's name, such as {@code version_0}
 * @param logDir {@code <rootDir>/<name>/<version>}
 */
public record RunDirectory(Path rootDir, String name, String version, Path logDir) {
    /** The prefix of numbered version folders. */
    public static final String VERSION_PREFIX = "version_";

    private static final Pattern VERSION_FOLDER = Pattern.compile(Pattern.quote(VERSION_PREFIX) + "(\\d{1,9})");

    /** Checks the components. */
    public RunDirectory {
        if (rootDir == null || name == null || version == null || logDir == null) {
            throw new NullPointerException("rootDir, name, version and logDir must not be null");
        }
    }

    /**
     * The run directory for {@code rootDir}, {@code name} and {@code version}; a null version takes
     * the next free number in {@code <rootDir>/<name>} (see {@link #nextVersion(Path)}).
     *
     * @param rootDir the root directory
     * @param name the experiment name; null or empty for none
     * @param version the version folder name, or null for the next free {@code version_<n>}
     */
    public static RunDirectory resolve(Path rootDir, String name, String version) {
        if (rootDir == null) {
            throw new NullPointerException("rootDir must not be null");
        }
        String experiment = name == null ? "" : name;
        checkSegment("name", experiment, true);
        Path experimentDir = experiment.isEmpty() ? rootDir : rootDir.resolve(experiment);
        String folder = version != null ? version : versionName(nextVersion(experimentDir));
        checkSegment("version", folder, false);
        return new RunDirectory(rootDir, experiment, folder, experimentDir.resolve(folder));
    }

    /** The folder name of version {@code n}: {@code version_<n>}. */
    public static String versionName(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("A version number must be >= 0, got " + n);
        }
        return VERSION_PREFIX + n;
    }

    /**
     * One more than the largest {@code n} of the {@code version_<n>} folders in
     * {@code experimentDir}, or 0 when there are none (or the directory does not exist yet).
     *
     * @throws UncheckedIOException naming the directory when it cannot be listed
     */
    public static int nextVersion(Path experimentDir) {
        int max = -1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(experimentDir)) {
            for (Path entry : entries) {
                Matcher m = VERSION_FOLDER.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isDirectory(entry)) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NotDirectoryException e) {
            throw new UncheckedIOException("Cannot look for versions in " + experimentDir + ": not a directory", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look for versions in " + experimentDir + ": " + e, e);
        }
        if (max == Integer.MAX_VALUE) {
            throw new IllegalStateException("No version number is left after " + max + " in " + experimentDir);
        }
        return max + 1;
    }

    private static void checkSegment(String what, String value, boolean mayBeEmpty) {
        if (value.isEmpty() && !mayBeEmpty) {
            throw new IllegalArgumentException("The " + what + " must not be empty");
        }
        if (value.equals(".") || value.equals("..") || value.indexOf('\0') >= 0
                || (!value.isEmpty() && Path.of(value).isAbsolute())) {
            throw new IllegalArgumentException("The " + what + " must be a relative folder name, got '" + value + "'");
        }
    }
}

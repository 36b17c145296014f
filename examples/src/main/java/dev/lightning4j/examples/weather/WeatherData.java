package dev.lightning4j.examples.weather;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Daily weather records read from {@code weather.csv} (NOAA, via vega-datasets), grouped by location. */
public final class WeatherData {
    /** One day at one location. */
    public record Day(String location, LocalDate date, double precipitation, double tempMax, double tempMin, double wind) {
    }

    private final Map<String, List<Day>> byLocation;

    private WeatherData(Map<String, List<Day>> byLocation) {
        this.byLocation = byLocation;
    }

    /** The copy of {@code weather.csv} shipped in this module's resources. */
    public static WeatherData bundled() {
        try (InputStream in = WeatherData.class.getResourceAsStream("/data/weather.csv")) {
            if (in == null) {
                throw new IllegalStateException("weather.csv is missing from the examples' resources (/data/weather.csv)");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "/data/weather.csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a CSV with the columns {@code location,date,precipitation,temp_max,temp_min,wind,weather}. */
    public static WeatherData read(Path csv) {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return parse(r, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read weather data " + csv, e);
        }
    }

    private static WeatherData parse(BufferedReader reader, String source) throws IOException {
        String header = reader.readLine();
        String expected = "location,date,precipitation,temp_max,temp_min,wind";
        if (header == null || !header.startsWith(expected)) {
            throw new IllegalArgumentException(source + ": expected a header starting with '" + expected + "', got '" + header + "'");
        }
        Map<String, List<Day>> out = new LinkedHashMap<>();
        String line;
        int lineNo = 1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 6) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": expected at least 6 columns, got " + f.length);
            }
            try {
                Day d = new Day(f[0], LocalDate.parse(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]));
                out.computeIfAbsent(d.location(), k -> new ArrayList<>()).add(d);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ":" + lineNo + ": cannot parse '" + line + "': " + e.getMessage(), e);
            }
        }
        out.values().forEach(days -> days.sort((a, b) -> a.date().compareTo(b.date())));
        return new WeatherData(out);
    }

    /** The days of each location in date order. */
    public Map<String, List<Day>> byLocation() {
        return byLocation;
    }
}

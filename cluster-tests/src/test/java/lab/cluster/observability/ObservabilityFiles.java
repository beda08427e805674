package lab.cluster.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.cluster.node.RepositoryLayout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every PromQL expression the lab ships: the queries of every Grafana dashboard panel under
 * {@code grafana/dashboards/} and the alert rules under {@code prometheus/rules/}, with the
 * metric names each one reads.
 */
final class ObservabilityFiles {

    /** The rate window Grafana substitutes for {@code $__rate_interval}: four scrapes of 5 s and more. */
    static final String RATE_INTERVAL = "30s";

    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> PROMQL_WORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
            "inf", "nan", "e");

    record Query(String source, String title, String expr) {

        /** The expression Prometheus runs (Grafana's variables resolved the way Grafana does). */
        String runnable() {
            return expr.replace("$__rate_interval", RATE_INTERVAL).replace("$__interval", "5s");
        }

        @Override
        public String toString() {
            return source + " / " + title + ": " + expr;
        }
    }

    record Rule(String file, String group, String name, String expr) {
    }

    private final Path root;

    ObservabilityFiles(Path root) {
        this.root = root;
    }

    static ObservabilityFiles ofRepository() {
        return new ObservabilityFiles(RepositoryLayout.find().root());
    }

    Path root() {
        return root;
    }

    Path rulesDir() {
        return root.resolve("prometheus").resolve("rules");
    }

    List<Path> dashboardFiles() {
        try (Stream<Path> files = Files.walk(root.resolve("grafana").resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel of a dashboard, including those inside rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    List<Query> dashboardQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            String source = root.relativize(file).toString();
            for (JsonNode panel : panels(json(file))) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(source, panel.path("title").asString(), target.path("expr").asString()));
                }
            }
        }
        return queries;
    }

    List<Path> ruleFiles() {
        try (Stream<Path> files = Files.list(rulesDir())) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : ruleFiles()) {
            Map<String, Object> doc;
            try {
                doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    String name = String.valueOf(rule.containsKey("alert") ? rule.get("alert") : rule.get("record"));
                    rules.add(new Rule(file.getFileName().toString(), String.valueOf(group.get("name")), name,
                            String.valueOf(rule.get("expr"))));
                }
            }
        }
        return rules;
    }

    /**
     * The metric names an expression reads: identifiers that are not functions, keywords, label
     * names (inside braces or after by/without/on/ignoring) or parts of strings and durations.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")      // strings
                .replaceAll("\\{[^}]*}", " ")                                   // label matchers
                .replaceAll("\\[[^]]*]", " ")                                   // range and subquery windows
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\S+", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(s);
        while (m.find()) {
            String word = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean function = after < s.length() && s.charAt(after) == '(';
            boolean partOfNumber = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            if (!function && !partOfNumber && !PROMQL_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}

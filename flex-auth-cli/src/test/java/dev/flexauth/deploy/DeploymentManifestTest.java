package dev.flexauth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flexauth.TestFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under deploy/kubernetes and deploy/Containerfile agree with each other
 * and with the contract: the Service is the canonical URL, the pods run the runbook's serve
 * command on files the ConfigMap provides (which are the example files, byte for byte), probes hit
 * /healthz, the decision log is on a writable volume, the container is locked down and bounded,
 * the replicas survive a disruption. The image's side is {@link ImageManifestTest}.
 */
class DeploymentManifestTest {
    /** SPEC section 1: where ops-warden finds flex-auth inside the cluster. */
    static final String CANONICAL_URL = "http://flex-auth.flex-auth.svc.cluster.local:8080";
    /** SPEC section 1: the runbook's serve command, verbatim. */
    static final String RUNBOOK_SERVE = "flex-auth serve --addr 0.0.0.0:8080 --registry examples/ops-warden/production_registry_snapshot.json "
            + "--policy examples/ops-warden/policy_package.md --log /var/log/flex-auth/ops-warden-decisions.jsonl";
    private static final Path DIR = TestFiles.root().resolve("deploy/kubernetes");
    private static final List<String> OPS_DOCS = List.of("docs/ops-warden-policy-gate-handoff.md",
            "docs/ops-warden-registry-sync.md", "docs/operations.md");

    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static final List<JsonNode> OBJECTS = new ArrayList<>();
    private static JsonNode kustomization;
    private static JsonNode pod;
    private static JsonNode container;

    @BeforeAll
    static void load() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        kustomization = yaml.readTree(DIR.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.path("resources")) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(DIR.resolve(resource.asText()).toFile())) {
                for (JsonNode doc : docs.readAll()) {
                    OBJECTS.add(doc);
                    JsonNode previous = BY_KIND.put(doc.path("kind").asText(), doc);
                    assertEquals(null, previous, "one object per kind expected, found two " + doc.path("kind").asText());
                }
            }
        }
        pod = kind("Deployment").path("spec").path("template").path("spec");
        JsonNode containers = pod.path("containers");
        assertEquals(1, containers.size(), "the pod runs one container");
        container = containers.get(0);
    }

    private static JsonNode kind(String kind) {
        JsonNode o = BY_KIND.get(kind);
        assertTrue(o != null, "deploy/kubernetes has no " + kind + "; found " + BY_KIND.keySet());
        return o;
    }

    @Test
    void theKustomizationListsEveryManifest() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(files::add);
        }
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(files, listed, "deploy/kubernetes/kustomization.yaml resources");
        assertEquals(Set.of("Namespace", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy"), BY_KIND.keySet());
    }

    @Test
    void everythingLivesInTheFlexAuthNamespace() {
        String namespace = URI.create(CANONICAL_URL).getHost().split("\\.")[1];
        assertEquals(namespace, kind("Namespace").path("metadata").path("name").asText());
        assertEquals(namespace, kustomization.path("namespace").asText());
        for (JsonNode o : OBJECTS) {
            if (!o.path("kind").asText().equals("Namespace")) {
                assertEquals(namespace, o.path("metadata").path("namespace").asText(), o.path("kind") + " namespace");
            }
        }
    }

    @Test
    void theServiceIsTheCanonicalUrl() throws IOException {
        URI url = URI.create(CANONICAL_URL);
        String[] host = url.getHost().split("\\.", 3);
        assertEquals("svc.cluster.local", host[2]);
        JsonNode service = kind("Service");
        assertEquals(host[0], service.path("metadata").path("name").asText(), "Service name");
        assertEquals(host[1], service.path("metadata").path("namespace").asText(), "Service namespace");
        JsonNode port = onlyPort(service);
        assertEquals(url.getPort(), port.path("port").asInt(), "Service port");
        assertEquals(containerPort(port.path("targetPort")), addrPort(), "the Service targets the port serve listens on");
        for (String doc : OPS_DOCS) {
            assertTrue(Files.readString(TestFiles.root().resolve(doc)).contains(CANONICAL_URL), doc + " names " + CANONICAL_URL);
        }
    }

    @Test
    void selectorsMatchThePods() {
        JsonNode labels = kind("Deployment").path("spec").path("template").path("metadata").path("labels");
        assertSubset(kind("Deployment").path("spec").path("selector").path("matchLabels"), labels, "Deployment selector");
        assertSubset(kind("Service").path("spec").path("selector"), labels, "Service selector");
        assertSubset(kind("PodDisruptionBudget").path("spec").path("selector").path("matchLabels"), labels, "PodDisruptionBudget selector");
        assertSubset(kind("NetworkPolicy").path("spec").path("podSelector").path("matchLabels"), labels, "NetworkPolicy podSelector");
        List<Integer> ingressPorts = new ArrayList<>();
        kind("NetworkPolicy").path("spec").path("ingress").forEach(rule -> rule.path("ports").forEach(p -> ingressPorts.add(containerPort(p.path("port")))));
        assertEquals(List.of(addrPort()), ingressPorts, "the NetworkPolicy lets in the serve port only");
    }

    /** Readiness is /healthz (503 unavailable or stale); started and alive only need an answer (issue 14). */
    @Test
    void probesHitHealthz() {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertEquals(probe.equals("readinessProbe") ? "/healthz" : "/metrics", get.path("path").asText(), probe + " path");
            assertEquals(addrPort(), containerPort(get.path("port")), probe + " port");
            assertFalse(get.has("scheme") && !get.path("scheme").asText().equals("HTTP"), probe + " scheme: serve runs without --tls-keystore");
        }
    }

    /** Issue 14: the deployment bounds the snapshot's age; the sync contract has ops-warden publish well within it. */
    @Test
    void theContainerBoundsTheRegistryAge() throws IOException {
        assertEquals("36h", arg("--max-registry-age"));
        assertEquals(List.of("--max-registry-age", "36h"), args().subList(args().size() - 2, args().size()));
        String sync = Files.readString(TestFiles.root().resolve("docs/ops-warden-registry-sync.md"));
        assertTrue(sync.contains("`--max-registry-age 36h`") && sync.contains("**Publish at least every 12 hours**"),
                "docs/ops-warden-registry-sync.md states the bound and the publication period");
    }

    @Test
    void theContainerRunsTheRunbookServeCommand() throws IOException {
        List<String> args = runbookArgs();
        List<String> runbook = words(RUNBOOK_SERVE);
        assertEquals(runbook.size() - 1, args.size(), "args " + args);
        for (int i = 0; i < args.size(); i++) {
            String expected = runbook.get(i + 1);
            String actual = args.get(i);
            if (expected.startsWith("examples/")) {
                assertEquals(Path.of(expected).getFileName(), Path.of(actual).getFileName(), "args[" + i + "] names the runbook's file");
            } else {
                assertEquals(expected, actual, "args[" + i + "] is the runbook's");
            }
        }
        String operations = Files.readString(TestFiles.root().resolve("docs/operations.md"));
        assertTrue(operations.replaceAll("\\s*\\\\\\n\\s*", " ").contains(RUNBOOK_SERVE), "docs/operations.md shows the runbook's serve command");
    }

    @Test
    void theRegistryAndPolicyComeFromTheConfigMap() {
        JsonNode configMap = kind("ConfigMap");
        for (String flag : List.of("--registry", "--policy")) {
            Path file = Path.of(arg(flag));
            JsonNode mount = mountOf(file.getParent());
            assertFalse(mount.has("subPath") || mount.has("subPathExpr"),
                    flag + ": a subPath mount never sees ConfigMap updates; mount the directory");
            assertTrue(mount.path("readOnly").asBoolean(), flag + ": the ConfigMap mount is read-only");
            JsonNode volume = volume(mount.path("name").asText());
            assertEquals(configMap.path("metadata").path("name").asText(), volume.path("configMap").path("name").asText(),
                    flag + " " + file + " is on the volume of ConfigMap " + configMap.path("metadata").path("name").asText());
            assertFalse(volume.path("configMap").has("items"), "the volume projects every key under its own name");
            assertTrue(configMap.path("data").has(file.getFileName().toString()),
                    flag + " " + file + ": the ConfigMap has no key " + file.getFileName());
        }
    }

    @Test
    void theConfigMapHoldsTheExampleFiles() throws IOException {
        Map<String, Path> expected = Map.of(
                "production_registry_snapshot.json", TestFiles.opsWardenRegistry(),
                "policy_package.md", TestFiles.opsWardenPolicy());
        JsonNode data = kind("ConfigMap").path("data");
        Set<String> keys = new TreeSet<>();
        data.fieldNames().forEachRemaining(keys::add);
        assertEquals(new TreeSet<>(expected.keySet()), keys, "ConfigMap keys");
        for (Map.Entry<String, Path> e : expected.entrySet()) {
            assertEquals(Files.readString(e.getValue()), data.path(e.getKey()).asText(), "deploy/kubernetes/configmap.yaml key "
                    + e.getKey() + " differs from " + TestFiles.root().relativize(e.getValue())
                    + "; run deploy/kubernetes/regenerate-configmap.sh");
        }
    }

    @Test
    void theDecisionLogIsOnAWritableVolume() {
        Path log = Path.of(arg("--log"));
        JsonNode mount = mountOf(log.getParent());
        assertFalse(mount.path("readOnly").asBoolean(), "the decision log mount is writable");
        JsonNode volume = volume(mount.path("name").asText());
        assertTrue(volume.has("emptyDir") || volume.has("persistentVolumeClaim") || volume.has("ephemeral"),
                "the decision log is on a writable volume, found " + volume);
        assertTrue(volume.path("emptyDir").has("sizeLimit"), "the decision log volume is bounded");
    }

    @Test
    void theContainerIsLockedDown() {
        JsonNode podSecurity = pod.path("securityContext");
        JsonNode security = container.path("securityContext");
        assertTrue(security.path("runAsNonRoot").asBoolean() || podSecurity.path("runAsNonRoot").asBoolean(), "runAsNonRoot");
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertTrue(security.has("allowPrivilegeEscalation") && !security.path("allowPrivilegeEscalation").asBoolean(),
                "allowPrivilegeEscalation: false");
        List<String> dropped = new ArrayList<>();
        security.path("capabilities").path("drop").forEach(c -> dropped.add(c.asText()));
        assertEquals(List.of("ALL"), dropped, "capabilities.drop");
        assertFalse(security.path("capabilities").has("add"), "no capability added");
        assertEquals("RuntimeDefault", security.path("seccompProfile").path("type").asText(
                podSecurity.path("seccompProfile").path("type").asText()), "seccompProfile");
        assertNotEquals(0, podSecurity.path("runAsUser").asInt(0), "runAsUser is a non-zero uid");
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), "no service account token: flex-auth never calls the API");
        JsonNode tmp = mountOf(Path.of("/tmp"));
        assertTrue(volume(tmp.path("name").asText()).has("emptyDir"), "/tmp is a writable emptyDir for the JVM");
    }

    @Test
    void resourcesAreBoundedAndTheHeapFitsTheLimit() {
        JsonNode resources = container.path("resources");
        for (String r : List.of("cpu", "memory")) {
            assertTrue(resources.path("requests").has(r), "requests." + r);
            assertTrue(resources.path("limits").has(r), "limits." + r);
        }
        assertTrue(mebibytes(resources.path("requests").path("memory").asText()) <= mebibytes(resources.path("limits").path("memory").asText()),
                "the memory request does not exceed the limit");
        String javaOptions = "";
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("JAVA_TOOL_OPTIONS")) {
                javaOptions = env.path("value").asText();
            }
        }
        Matcher m = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(javaOptions);
        assertTrue(m.find(), "JAVA_TOOL_OPTIONS sizes the heap from the container limit, found " + javaOptions);
        assertTrue(Integer.parseInt(m.group(1)) <= 75, "the heap leaves room for the JVM's other memory");
        assertTrue(javaOptions.contains("-XX:+ExitOnOutOfMemoryError"), "an out-of-memory JVM exits and is restarted");
    }

    @Test
    void replicasSurviveADisruption() {
        JsonNode spec = kind("Deployment").path("spec");
        int replicas = spec.path("replicas").asInt();
        assertTrue(replicas >= 2, "at least two replicas, found " + replicas);
        int minAvailable = kind("PodDisruptionBudget").path("spec").path("minAvailable").asInt(-1);
        assertEquals(1, minAvailable, "PodDisruptionBudget minAvailable");
        assertTrue(minAvailable < replicas, "a node can be drained: minAvailable < replicas");
        assertEquals(0, spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt(-1), "rollouts keep every replica");
        List<String> spreadKeys = new ArrayList<>();
        pod.path("topologySpreadConstraints").forEach(c -> spreadKeys.add(c.path("topologyKey").asText()));
        assertTrue(spreadKeys.contains("kubernetes.io/hostname"), "replicas are spread across nodes, found " + spreadKeys);
    }

    /** The container's args without the freshness bound the Deployment adds to the runbook's command. */
    private static List<String> runbookArgs() {
        List<String> args = args();
        int i = args.indexOf("--max-registry-age");
        return i < 0 ? args : args.subList(0, i);
    }

    private static List<String> args() {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** The value after {@code flag} in the container's args. */
    private static String arg(String flag) {
        List<String> args = args();
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), "the container's args give " + flag + ": " + args);
        return args.get(i + 1);
    }

    /** The port of {@code --addr host:port}. */
    private static int addrPort() {
        String addr = arg("--addr");
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }

    /** A port given by number or by the container port's name, as a number. */
    private static int containerPort(JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("the container has no port named " + port);
    }

    private static JsonNode onlyPort(JsonNode service) {
        JsonNode ports = service.path("spec").path("ports");
        assertEquals(1, ports.size(), "the Service has one port");
        return ports.get(0);
    }

    /** The container's volume mount at exactly {@code dir}. */
    private static JsonNode mountOf(Path dir) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (Path.of(m.path("mountPath").asText()).equals(dir)) {
                return m;
            }
        }
        throw new AssertionError("no volume is mounted at " + dir + " (read-only root filesystem: nothing else is there)");
    }

    private static JsonNode volume(String name) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("the pod has no volume " + name);
    }

    private static void assertSubset(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " is not empty");
        selector.properties().forEach(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                what + " " + e.getKey() + " matches the pod labels"));
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertTrue(m.matches(), "a memory quantity in Mi or Gi, found " + quantity);
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    private static List<String> words(String command) {
        return List.of(command.trim().split("\\s+"));
    }
}

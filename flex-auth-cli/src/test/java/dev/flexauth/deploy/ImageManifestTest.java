package dev.flexauth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flexauth.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image (deploy/Containerfile and deploy/build-image.sh, which prepares everything it copies)
 * and the Kubernetes Deployment agree: the image reference, the user, the command and its paths,
 * the port, the writable paths under a read-only root filesystem, probes and hooks that need
 * nothing inside the image, the JVM settings; and CI's smoke (deploy/smoke-image.sh) runs it as the
 * Deployment does. Reads the files only: no container engine needed.
 */
class ImageManifestTest {
    private static final Path ROOT = TestFiles.root();

    private static Containerfile.Stage image;
    private static String buildScript;
    private static String smokeScript;
    private static JsonNode pod;
    private static JsonNode container;
    /** The directory build-image.sh puts the jar, runtime and archive in, as the image sees it. */
    private static String appDir;

    @BeforeAll
    static void load() throws IOException {
        Containerfile file = Containerfile.read(ROOT.resolve("deploy/Containerfile"));
        assertEquals(1, file.stages().size(), "one stage: everything is prepared by deploy/build-image.sh, found " + file.stages());
        image = file.runtime();
        buildScript = Files.readString(ROOT.resolve("deploy/build-image.sh"));
        smokeScript = Files.readString(ROOT.resolve("deploy/smoke-image.sh"));
        pod = new YAMLMapper().readTree(ROOT.resolve("deploy/kubernetes/deployment.yaml").toFile())
                .path("spec").path("template").path("spec");
        assertEquals(1, pod.path("containers").size(), "the pod runs one container");
        container = pod.path("containers").get(0);
        appDir = group(buildScript, "\\napp=\"\\$rootfs(/[^\"]+)\"", "build-image.sh's app directory app=\"$rootfs/...\"");
    }

    @Test
    void theImageIsBuiltFromNothingButTheBuildContext() throws IOException {
        assertEquals("scratch", image.image(), "FROM scratch: no base image to pull, no registry needed");
        for (Containerfile.Instruction copy : image.all("COPY")) {
            assertFalse(copy.args().contains("--from"), "line " + copy.line() + " copies from another image: " + copy.args());
        }
        assertTrue(image.all("RUN").isEmpty(), "no RUN: the image has no shell, and building it needs no container runtime");
        assertTrue(buildScript.contains("jar=\"$root/flex-auth-cli/target/flex-auth.jar\"")
                        && buildScript.contains("\"$root/bin/flex-auth\" version"),
                "build-image.sh takes the jar bin/flex-auth builds (and rebuilds when stale)");
        String launcher = Files.readString(ROOT.resolve("bin/flex-auth"));
        assertTrue(launcher.contains("jar=\"$root/flex-auth-cli/target/flex-auth.jar\"") && launcher.contains("-DskipTests -pl flex-auth-cli -am package"),
                "bin/flex-auth builds every module the CLI needs (-am) into the jar build-image.sh takes");
        assertTrue(Files.readString(ROOT.resolve("flex-auth-cli/pom.xml")).contains("<outputFile>${project.build.directory}/flex-auth.jar</outputFile>"),
                "the CLI module shades target/flex-auth.jar");
    }

    @Test
    void theDeploymentRunsTheImageTheScriptBuilds() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String version = group(pom, "<artifactId>flex-auth-parent</artifactId>\\s*<version>([^<]+)</version>", "the parent POM's version");
        assertEquals("localhost/flex-auth:" + version, container.path("image").asText(), "the Deployment's image");
        assertTrue(buildScript.contains("tag=\"${tag:-localhost/flex-auth:$version}\""),
                "build-image.sh tags localhost/flex-auth:<the jar's version> by default");
    }

    @Test
    void theImageRunsAsThePodsUser() {
        JsonNode security = pod.path("securityContext");
        String[] user = image.last("USER").args().split(":");
        assertEquals(2, user.length, "USER uid:gid, found " + image.last("USER").args());
        assertTrue(user[0].matches("[1-9][0-9]*"), "USER is a numeric non-root uid (runAsNonRoot can only verify those), found " + user[0]);
        assertEquals(security.path("runAsUser").asText(), user[0], "runAsUser is the image's uid");
        assertEquals(security.path("runAsGroup").asText(), user[1], "runAsGroup is the image's gid");
        assertEquals(security.path("fsGroup").asText(), user[1], "fsGroup is the image's gid");
        assertTrue(buildScript.contains(":x:" + user[0] + ":" + user[1] + ":"), "build-image.sh's /etc/passwd names uid " + user[0]);
        assertTrue(smokeScript.contains("readonly UID_GID=" + user[0] + ":" + user[1]), "deploy/smoke-image.sh expects the image's user");
    }

    @Test
    void theImageRunsTheDeploymentsCommand() {
        assertEquals(runbookArgs(), image.last("CMD").execForm(), "the image's CMD is the Deployment's args before the freshness bound");
        assertTrue(container.path("command").isMissingNode(), "the Deployment keeps the image's ENTRYPOINT");

        List<String> entrypoint = image.last("ENTRYPOINT").execForm();
        assertEquals(appDir + "/jre/bin/java", entrypoint.get(0), "ENTRYPOINT runs the jlinked runtime");
        assertTrue(buildScript.contains("--output \"$app/jre\""), "build-image.sh jlinks the runtime to $app/jre");
        int jar = entrypoint.indexOf("-jar");
        assertEquals(entrypoint.size() - 2, jar, "ENTRYPOINT ends with -jar JAR: " + entrypoint);
        assertEquals(appDir + "/flex-auth.jar", entrypoint.get(jar + 1), "ENTRYPOINT runs the jar");
        assertTrue(buildScript.contains("zip -q -X -9 -r \"$app/flex-auth.jar\""),
                "build-image.sh puts the (repacked) jar where ENTRYPOINT runs it");
        assertTrue(entrypoint.contains("-XX:SharedArchiveFile=" + appDir + "/flex-auth.jsa"), "ENTRYPOINT uses the class-data-sharing archive: " + entrypoint);
        assertTrue(buildScript.contains("-XX:SharedArchiveFile=flex-auth.jsa") && buildScript.contains("-cp flex-auth.jar"),
                "build-image.sh dumps the archive with the jar's relative path");
        assertEquals(appDir, image.last("WORKDIR").args(), "the archive names the jar relative to the working directory");
        assertFalse(container.has("workingDir"), "the Deployment keeps the image's working directory, or the archive is not used");
    }

    @Test
    void theImageServesOnTheDeploymentsPort() {
        int port = Integer.parseInt(arg("--addr").substring(arg("--addr").lastIndexOf(':') + 1));
        assertEquals(String.valueOf(port), image.last("EXPOSE").args(), "EXPOSE is the port serve listens on");
        List<Integer> containerPorts = new ArrayList<>();
        container.path("ports").forEach(p -> containerPorts.add(p.path("containerPort").asInt()));
        assertEquals(List.of(port), containerPorts, "the Deployment's containerPort");
        assertTrue(smokeScript.contains("-p 127.0.0.1::" + port), "deploy/smoke-image.sh publishes the serve port");
    }

    @Test
    void aReadOnlyRootNeedsOnlyTheMountedVolumes() {
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
        assertTrue(image.last("ENTRYPOINT").execForm().contains("-XX:-UsePerfData"),
                "the JVM writes no /tmp/hsperfdata_<user> file (-XX:-UsePerfData)");
        String logDir = Path.of(arg("--log")).getParent().toString();
        assertTrue(mountPaths().contains(logDir), "the Deployment mounts a volume at the decision log's directory " + logDir);
        assertEquals(List.of(logDir), image.last("VOLUME").execForm(), "the image's VOLUME is the decision log's directory");
        assertEquals(List.of("--chown=" + image.last("USER").args(), "log/", logDir + "/"),
                image.all("COPY").stream().map(Containerfile.Instruction::words).filter(w -> w.get(w.size() - 1).equals(logDir + "/"))
                        .findFirst().orElseThrow(() -> new AssertionError("the image creates no " + logDir)),
                "the decision log's directory belongs to the server's user");
        for (String flag : List.of("--registry", "--policy")) {
            String dir = Path.of(arg(flag)).getParent().toString();
            assertTrue(mountPaths().contains(dir), flag + ": the Deployment mounts " + dir);
        }
        Matcher errorFile = Pattern.compile("-XX:ErrorFile=(/[^ ]+)/[^/ ]+").matcher(env(container).getOrDefault("JAVA_TOOL_OPTIONS", ""));
        if (errorFile.find()) {
            assertTrue(mountPaths().contains(errorFile.group(1)), "the JVM's crash file goes to a mounted volume, " + errorFile.group(1));
        }
        assertTrue(smokeScript.contains("--read-only --read-only-tmpfs=false"), "deploy/smoke-image.sh runs the image on a read-only root without tmpfs");
    }

    @Test
    void probesAndHooksNeedNothingInsideTheImage() {
        List<String> execs = new ArrayList<>();
        findExec(pod, "spec", execs);
        assertEquals(List.of(), execs, "the image has java and nothing else (no shell, no sleep): no exec probe or hook");
        assertTrue(container.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt() > 0,
                "the preStop pause is the kubelet's own sleep action");
        // Readiness follows /healthz (503 while stale or without a log); startup and liveness ask only
        // whether the process answers (/metrics), so a stale snapshot never restarts a pod.
        Map<String, String> paths = Map.of("startupProbe", "/metrics", "readinessProbe", "/healthz", "livenessProbe", "/metrics");
        paths.forEach((probe, path) -> assertEquals(path, container.path(probe).path("httpGet").path("path").asText(),
                probe + " is an HTTP GET of " + path));
    }

    @Test
    void theImageCarriesTheDeploymentsJvmSettings() {
        Map<String, String> imageEnv = pairs(image.last("ENV").args());
        assertEquals(env(container).get("JAVA_TOOL_OPTIONS"), imageEnv.get("JAVA_TOOL_OPTIONS"),
                "the image's JAVA_TOOL_OPTIONS (for a container started without the Deployment) are the Deployment's");
    }

    @Test
    void labelsNameTheVersionAndRevision() {
        Map<String, String> labels = new LinkedHashMap<>();
        image.all("LABEL").forEach(l -> labels.putAll(pairs(l.args())));
        assertEquals("${VERSION}", labels.get("org.opencontainers.image.version"), "the version label");
        assertEquals("${REVISION}", labels.get("org.opencontainers.image.revision"), "the revision label");
        List<String> declared = image.all("ARG").stream().map(Containerfile.Instruction::args).toList();
        assertTrue(declared.containsAll(List.of("VERSION", "REVISION")), "ARG VERSION and REVISION, found " + declared);
        assertTrue(buildScript.contains("--build-arg \"VERSION=$version\"") && buildScript.contains("--build-arg \"REVISION=$revision\""),
                "build-image.sh passes the version and the git revision");
    }

    @Test
    void ciSmokeTestsTheImageAsTheDeploymentStopsIt() throws IOException {
        assertTrue(Files.readString(ROOT.resolve(".ci/run")).contains("deploy/smoke-image.sh"), ".ci/run runs deploy/smoke-image.sh");
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        assertNotEquals(0, grace, "terminationGracePeriodSeconds");
        assertTrue(smokeScript.contains("readonly GRACE=" + grace + " "), "deploy/smoke-image.sh stops the container with the Deployment's grace period, " + grace + " s");
        assertTrue(smokeScript.contains("-v \"$PWD/examples/ops-warden:" + Path.of(arg("--policy")).getParent() + ":ro\""),
                "deploy/smoke-image.sh mounts the example files where the default command reads them");
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

    private static String arg(String flag) {
        List<String> args = args();
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), "the container's args give " + flag + ": " + args);
        return args.get(i + 1);
    }

    private static List<String> mountPaths() {
        List<String> paths = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
        return paths;
    }

    private static Map<String, String> env(JsonNode c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    /** Every {@code exec} member under {@code node}, by its path. */
    private static void findExec(JsonNode node, String path, List<String> found) {
        node.properties().forEach(e -> {
            if (e.getKey().equals("exec")) {
                found.add(path + "." + e.getKey());
            }
            findExec(e.getValue(), path + "." + e.getKey(), found);
        });
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            findExec(node.get(i), path + "[" + i + "]", found);
        }
    }

    /** The key=value pairs of a LABEL or ENV instruction (values plain or in double quotes). */
    private static Map<String, String> pairs(String args) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher m = Pattern.compile("([A-Za-z0-9_.\\-]+)=(?:\"([^\"]*)\"|(\\S+))").matcher(args);
        while (m.find()) {
            pairs.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return pairs;
    }

    private static String group(String text, String regex, String what) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "cannot find " + what + " (/" + regex + "/)");
        return m.group(1);
    }
}

package dev.flexauth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flexauth.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The URL-source variant (deploy/kubernetes-url-source) fits its base and the fleet model: it
 * overlays deploy/kubernetes, names each replica after its pod through the downward API, logs to a
 * file per pod, mounts the signers where --registry-signers looks, offers the headless Service that
 * rollout-status resolves, and scales the base Deployment.
 */
class UrlSourceManifestTest {
    private static final Path DIR = TestFiles.root().resolve("deploy/kubernetes-url-source");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode read(String name) throws IOException {
        return YAML.readTree(DIR.resolve(name).toFile());
    }

    @Test
    void theOverlayListsEveryFileAndBuildsOnTheConfigMapVariant() throws IOException {
        JsonNode k = read("kustomization.yaml");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(files::add);
        }
        Set<String> used = new TreeSet<>();
        k.path("resources").forEach(r -> used.add(r.asText()));
        k.path("patches").forEach(p -> {
            if (p.has("path")) {
                used.add(p.path("path").asText());
            }
        });
        assertTrue(used.remove("../kubernetes"), "the overlay builds on deploy/kubernetes: " + used);
        assertEquals(files, used, "every manifest of the overlay is a resource or a patch");
        assertEquals("flex-auth", k.path("namespace").asText());
    }

    @Test
    void eachReplicaIsNamedAfterItsPodAndLogsToItsOwnFile() throws IOException {
        JsonNode container = read("deployment-patch.yaml").at("/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        JsonNode env = container.path("env").get(0);
        assertEquals("POD_NAME", env.path("name").asText());
        assertEquals("metadata.name", env.at("/valueFrom/fieldRef/fieldPath").asText());
        assertEquals("$(POD_NAME)", args.get(args.indexOf("--instance-id") + 1));
        assertEquals("/var/log/flex-auth/$(POD_NAME).jsonl", args.get(args.indexOf("--log") + 1));
        String signers = args.get(args.indexOf("--registry-signers") + 1);
        JsonNode mount = container.path("volumeMounts").get(0);
        assertEquals(Path.of(mount.path("mountPath").asText()), Path.of(signers).getParent());
        JsonNode volume = read("deployment-patch.yaml").at("/spec/template/spec/volumes/0");
        assertEquals(mount.path("name").asText(), volume.path("name").asText());
        assertEquals("flex-auth-registry-signers", volume.at("/secret/secretName").asText());
        assertTrue(args.get(args.indexOf("--registry") + 1).startsWith("http"), "the registry is a URL");
        assertEquals(container.at("/resources/requests/cpu").asText(), container.at("/resources/limits/cpu").asText(),
                "HPA utilization is relative to the request, so the request is the core the capacity was measured on");
    }

    @Test
    void theHeadlessServiceListsEveryReplicaAndTheHpaScalesTheDeployment() throws IOException {
        JsonNode headless = read("headless-service.yaml");
        JsonNode base = YAML.readTree(TestFiles.root().resolve("deploy/kubernetes/service.yaml").toFile());
        assertEquals("None", headless.at("/spec/clusterIP").asText());
        assertTrue(headless.at("/spec/publishNotReadyAddresses").asBoolean(), "rollout-status must see replicas that fail /healthz");
        assertEquals(base.at("/spec/selector"), headless.at("/spec/selector"));
        assertEquals(base.at("/spec/ports/0/port").asInt(), headless.at("/spec/ports/0/port").asInt());
        JsonNode hpa = read("hpa.yaml");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("flex-auth", hpa.at("/spec/scaleTargetRef/name").asText());
        assertTrue(hpa.at("/spec/minReplicas").asInt() >= 2, "at least two replicas, as the base asks");
    }
}

package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The tests run with the package directory (deploy/) as working directory.
const (
	composePath        = "compose.yaml"
	dockerfilePath     = "Dockerfile"
	initSQLPath        = "postgres/init.sql"
	kratosConfigPath   = "kratos/kratos.yml"
	caddyfilePath      = "proxy/Caddyfile"
	ingressPath        = "k8s/ingress.yaml"
	networkPolicyPath  = "k8s/networkpolicy.yaml"
	metricsAddrEnv     = "ENGAGE_METRICS_ADDR"
	httpAddrEnv        = "ENGAGE_HTTP_ADDR"
	hstsValue          = "max-age=63072000; includeSubDomains"
	k8sDir             = "k8s"
	kustomizationPath  = "k8s/kustomization.yaml"
	exampleSecretPath  = "k8s/secret.example.yaml"
	secretExampleFile  = "secret.example.yaml"
	apiDeploymentName  = "engage-api"
	workerDeployName   = "engage-worker"
	migrateJobName     = "engage-migrate"
	shutdownTimeoutEnv = "ENGAGE_SHUTDOWN_TIMEOUT"
	migrateDSNEnv      = "ENGAGE_MIGRATE_DATABASE_URL"
	appDSNEnv          = "DATABASE_URL"
)

// wantArgs is what each workload must pass to the engage entrypoint, in
// compose (by service name) and in Kubernetes (by workload name).
var (
	wantComposeCommands = map[string][]string{
		"migrate": {"migrate", "up"},
		"api":     {"serve", "--workers=false"},
		"worker":  {"worker"},
	}
	wantK8sArgs = map[string][]string{
		apiDeploymentName: {"serve", "--workers=false"},
		workerDeployName:  {"worker"},
		migrateJobName:    {"migrate", "up"},
	}
)

// ---------------------------------------------------------------------------
// Loading helpers
// ---------------------------------------------------------------------------

// filesWithExt lists the files under deploy/ whose names end in one of exts.
func filesWithExt(t *testing.T, exts ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if slices.Contains(exts, filepath.Ext(p)) {
			out = append(out, p)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// yamlDocs decodes every document of a (possibly multi-document) YAML file,
// skipping empty documents.
func yamlDocs(t *testing.T, file string) []*yaml.Node {
	t.Helper()
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []*yaml.Node
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoErrorf(t, err, "%s: document %d", file, i)
		if len(n.Content) == 0 || (n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null") {
			continue
		}
		docs = append(docs, &n)
	}
	return docs
}

// decodeYAMLFile decodes a single-document YAML file into v.
func decodeYAMLFile(t *testing.T, file string, v any) {
	t.Helper()
	docs := yamlDocs(t, file)
	require.Lenf(t, docs, 1, "%s: want exactly one YAML document", file)
	require.NoErrorf(t, docs[0].Decode(v), "%s", file)
}

type objectMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type typeMeta struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   objectMeta `yaml:"metadata"`
}

// manifest is one Kubernetes document with where it came from.
type manifest struct {
	typeMeta
	file string
	node *yaml.Node
}

func (m manifest) String() string {
	return fmt.Sprintf("%s %s/%s", m.file, m.Kind, m.Metadata.Name)
}

// k8sManifests loads every document of every YAML file in deploy/k8s.
func k8sManifests(t *testing.T) []manifest {
	t.Helper()
	entries, err := os.ReadDir(k8sDir)
	require.NoError(t, err)
	var out []manifest
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) {
			continue
		}
		file := filepath.Join(k8sDir, e.Name())
		for _, doc := range yamlDocs(t, file) {
			var tm typeMeta
			require.NoErrorf(t, doc.Decode(&tm), "%s", file)
			out = append(out, manifest{typeMeta: tm, file: file, node: doc})
		}
	}
	require.NotEmpty(t, out, "no Kubernetes manifests found")
	return out
}

// deployed returns the manifests that kustomization.yaml applies (so not the
// example Secret).
func deployed(t *testing.T) []manifest {
	t.Helper()
	var k kustomization
	decodeYAMLFile(t, kustomizationPath, &k)
	var out []manifest
	for _, m := range k8sManifests(t) {
		if slices.Contains(k.Resources, filepath.Base(m.file)) {
			out = append(out, m)
		}
	}
	return out
}

func isYAML(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}

func ofKind(ms []manifest, kind string) []manifest {
	var out []manifest
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

type kustomization struct {
	typeMeta  `yaml:",inline"`
	Namespace string   `yaml:"namespace"`
	Resources []string `yaml:"resources"`
	Images    []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
	} `yaml:"images"`
}

type keyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	EnvFrom []struct {
		ConfigMapRef *struct {
			Name string `yaml:"name"`
		} `yaml:"configMapRef"`
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef    *keyRef `yaml:"secretKeyRef"`
			ConfigMapKeyRef *keyRef `yaml:"configMapKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	LivenessProbe   *probe `yaml:"livenessProbe"`
	ReadinessProbe  *probe `yaml:"readinessProbe"`
	SecurityContext struct {
		RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	} `yaml:"securityContext"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
}

// workload is the part of a Deployment or Job the tests look at.
type workload struct {
	typeMeta `yaml:",inline"`
	Spec     struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata objectMeta `yaml:"metadata"`
			Spec     struct {
				TerminationGracePeriodSeconds *int `yaml:"terminationGracePeriodSeconds"`
				SecurityContext               struct {
					RunAsNonRoot *bool `yaml:"runAsNonRoot"`
					RunAsUser    *int  `yaml:"runAsUser"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// workloads decodes the deployed Deployments and Jobs, by name.
func workloads(t *testing.T) map[string]workload {
	t.Helper()
	out := map[string]workload{}
	for _, m := range deployed(t) {
		if m.Kind != "Deployment" && m.Kind != "Job" {
			continue
		}
		var w workload
		require.NoErrorf(t, m.node.Decode(&w), "%s", m)
		require.NotEmptyf(t, w.Spec.Template.Spec.Containers, "%s has no containers", m)
		out[w.Metadata.Name] = w
	}
	return out
}

// imageName strips the tag and digest from an image reference.
func imageName(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// configMapData returns the data of the deployed ConfigMap with this name.
func configMapData(t *testing.T, name string) map[string]string {
	t.Helper()
	for _, m := range ofKind(deployed(t), "ConfigMap") {
		if m.Metadata.Name != name {
			continue
		}
		var cm struct {
			Data map[string]string `yaml:"data"`
		}
		require.NoError(t, m.node.Decode(&cm))
		return cm.Data
	}
	require.Failf(t, "missing ConfigMap", "no deployed ConfigMap named %q", name)
	return nil
}

// --- compose -------------------------------------------------------------

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image           string         `yaml:"image"`
	Build           any            `yaml:"build"`
	Command         stringList     `yaml:"command"`
	Environment     composeEnv     `yaml:"environment"`
	DependsOn       dependsOn      `yaml:"depends_on"`
	Volumes         []string       `yaml:"volumes"`
	Healthcheck     map[string]any `yaml:"healthcheck"`
	StopGracePeriod string         `yaml:"stop_grace_period"`
	Profiles        []string       `yaml:"profiles"`
	Ports           []string       `yaml:"ports"`
	Expose          []string       `yaml:"expose"`
}

// stringList accepts compose's two spellings of a command: a list, or a
// string split on spaces.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = strings.Fields(n.Value)
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

// composeEnv accepts both the mapping and the KEY=VALUE list form.
type composeEnv map[string]string

func (e *composeEnv) UnmarshalYAML(n *yaml.Node) error {
	out := composeEnv{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
		*e = out
		return nil
	}
	var m map[string]string
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		out[k] = v
	}
	*e = out
	return nil
}

// dependsOn maps each dependency to its condition ("" in the short list form).
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	out := dependsOn{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, s := range l {
			out[s] = ""
		}
		*d = out
		return nil
	}
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		out[k] = v.Condition
	}
	*d = out
	return nil
}

// dsnUser returns the role a postgres:// URL connects as.
func dsnUser(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	require.NoErrorf(t, err, "DSN %q", dsn)
	require.Equal(t, "postgres", u.Scheme)
	require.NotNil(t, u.User, "DSN without a user")
	return u.User.Username()
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	decodeYAMLFile(t, composePath, &c)
	require.NotEmpty(t, c.Services, "compose file has no services")
	return c
}

// ---------------------------------------------------------------------------
// Every file parses
// ---------------------------------------------------------------------------

func TestEveryYAMLAndJSONFileParses(t *testing.T) {
	t.Parallel()

	yamlFiles := filesWithExt(t, ".yaml", ".yml")
	require.GreaterOrEqual(t, len(yamlFiles), 10, "expected compose, kratos and k8s YAML files, found %v", yamlFiles)
	for _, f := range yamlFiles {
		docs := yamlDocs(t, f)
		require.NotEmptyf(t, docs, "%s holds no YAML document", f)
		for i, d := range docs {
			var v any
			require.NoErrorf(t, d.Decode(&v), "%s: document %d", f, i)
			_, isMap := v.(map[string]any)
			require.Truef(t, isMap, "%s: document %d is not a mapping", f, i)
		}
	}

	jsonFiles := filesWithExt(t, ".json")
	require.NotEmpty(t, jsonFiles, "expected the Kratos identity schema")
	for _, f := range jsonFiles {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var v any
		require.NoErrorf(t, json.Unmarshal(raw, &v), "%s", f)
	}
}

// ---------------------------------------------------------------------------
// docker compose
// ---------------------------------------------------------------------------

func TestComposeDefinesTheWholeStack(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	for _, name := range []string{"postgres", "kratos-migrate", "kratos", "mailpit", "migrate", "api", "worker"} {
		require.Containsf(t, c.Services, name, "compose service %q missing", name)
	}
	require.Equal(t, "postgres:16", c.Services["postgres"].Image)
	require.Equal(t, "oryd/kratos:v1.3.1", c.Services["kratos"].Image)
	require.Equal(t, "oryd/kratos:v1.3.1", c.Services["kratos-migrate"].Image)
	require.True(t, strings.HasPrefix(c.Services["mailpit"].Image, "axllent/mailpit"), c.Services["mailpit"].Image)
	require.NotEmpty(t, c.Services["postgres"].Healthcheck, "postgres needs a healthcheck for depends_on: service_healthy")
	require.Contains(t, fmt.Sprint(c.Services["postgres"].Healthcheck["test"]), "pg_isready")
}

func TestComposeDependenciesNameExistingServices(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	valid := []string{"", "service_started", "service_healthy", "service_completed_successfully"}
	for name, svc := range c.Services {
		for dep, cond := range svc.DependsOn {
			require.Containsf(t, c.Services, dep, "service %q depends on unknown service %q", name, dep)
			require.NotEqualf(t, name, dep, "service %q depends on itself", name)
			require.Containsf(t, valid, cond, "service %q: unknown depends_on condition %q", name, cond)
			if cond == "service_healthy" {
				require.NotEmptyf(t, c.Services[dep].Healthcheck, "%q waits for %q to be healthy, but it has no healthcheck", name, dep)
			}
		}
	}
}

func TestComposeStartsEngageOnlyAfterMigrationsSucceed(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)

	require.Equal(t, "service_healthy", c.Services["migrate"].DependsOn["postgres"])
	require.Equal(t, "service_healthy", c.Services["kratos-migrate"].DependsOn["postgres"])
	require.Equal(t, "service_completed_successfully", c.Services["kratos"].DependsOn["kratos-migrate"])
	for _, name := range []string{"api", "worker"} {
		require.Equalf(t, "service_completed_successfully", c.Services[name].DependsOn["migrate"],
			"%s must wait for migrate to complete successfully", name)
	}

	var image string
	for name, want := range wantComposeCommands {
		svc := c.Services[name]
		require.Equalf(t, want, []string(svc.Command), "compose service %q command", name)
		require.NotNilf(t, svc.Build, "compose service %q must build the engage image", name)
		if image == "" {
			image = svc.Image
		}
		require.Equalf(t, image, svc.Image, "compose service %q runs a different engage image", name)
	}
}

func TestComposeGivesTheOwnerCredentialOnlyToMigrate(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)

	require.Equal(t, "engage_owner", dsnUser(t, c.Services["migrate"].Environment[migrateDSNEnv]),
		"migrate must connect as the owner role")
	require.NotContains(t, c.Services["migrate"].Environment, appDSNEnv)

	for name, svc := range c.Services {
		if name == "migrate" {
			continue
		}
		require.NotContainsf(t, svc.Environment, migrateDSNEnv, "service %q must not get the owner DSN", name)
	}
	for _, name := range []string{"api", "worker"} {
		env := c.Services[name].Environment
		require.Equalf(t, "engage_app", dsnUser(t, env[appDSNEnv]), "%s must connect as the application role", name)
		for _, key := range []string{"ENGAGE_ENV", "ENGAGE_SECRETS_KEY", "ENGAGE_KRATOS_PUBLIC_URL", "ENGAGE_SMTP_URL", shutdownTimeoutEnv} {
			require.NotEmptyf(t, env[key], "%s: %s unset", name, key)
		}
	}
}

func TestComposeMountsFilesThatExist(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	mounts := map[string]string{} // container path -> host path
	for name, svc := range c.Services {
		for _, v := range svc.Volumes {
			host, rest, ok := strings.Cut(v, ":")
			require.Truef(t, ok, "service %q: volume %q has no target", name, v)
			target, _, _ := strings.Cut(rest, ":")
			if strings.HasPrefix(host, ".") {
				_, err := os.Stat(host)
				require.NoErrorf(t, err, "service %q mounts %q, which does not exist next to compose.yaml", name, host)
				mounts[target] = host
			} else {
				require.Containsf(t, c.Volumes, host, "service %q uses undeclared named volume %q", name, host)
			}
		}
	}
	require.Equal(t, "./"+initSQLPath, mounts["/docker-entrypoint-initdb.d/10-engage-roles.sql"])
	require.Equal(t, "./kratos", mounts["/etc/config/kratos"])
}

// ---------------------------------------------------------------------------
// Postgres roles
// ---------------------------------------------------------------------------

func TestInitSQLCreatesAnAppRoleThatCannotBypassRowLevelSecurity(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(initSQLPath)
	require.NoError(t, err)
	// Drop comments and fold whitespace so statements can be matched.
	var b strings.Builder
	for line := range strings.SplitSeq(string(raw), "\n") {
		line, _, _ = strings.Cut(line, "--")
		b.WriteString(line)
		b.WriteString(" ")
	}
	sql := strings.Join(strings.Fields(b.String()), " ")

	stmt := func(re string) string {
		t.Helper()
		m := regexp.MustCompile(`(?i)` + re).FindString(sql)
		require.NotEmptyf(t, m, "init.sql: no statement matching %s", re)
		return m
	}

	app := stmt(`CREATE ROLE engage_app [^;]*;`)
	for _, attr := range []string{"LOGIN", "NOSUPERUSER", "NOBYPASSRLS"} {
		require.Containsf(t, app, attr, "engage_app must be %s", attr)
	}
	stmt(`CREATE ROLE engage_owner [^;]*LOGIN[^;]*;`)
	stmt(`ALTER DATABASE engage OWNER TO engage_owner;`)
	stmt(`GRANT USAGE ON SCHEMA public TO engage_app;`)

	tables := stmt(`ALTER DEFAULT PRIVILEGES FOR ROLE engage_owner IN SCHEMA public GRANT [^;]* ON TABLES TO engage_app;`)
	require.Contains(t, tables, "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES")
	stmt(`ALTER DEFAULT PRIVILEGES FOR ROLE engage_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO engage_app;`)

	require.NotRegexp(t, `(?i)GRANT ALL`, sql, "engage_app gets DML only")
	require.NotRegexp(t, `(?i)engage_app[^;]*\bBYPASSRLS`, strings.ReplaceAll(sql, "NOBYPASSRLS", ""), "engage_app must not bypass RLS")
	require.NotRegexp(t, `(?i)GRANT engage_owner TO engage_app`, sql, "engage_app must not inherit the owner")
}

// ---------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------

func TestKubernetesDocumentsHaveAPIVersionKindAndName(t *testing.T) {
	t.Parallel()
	for _, m := range k8sManifests(t) {
		require.NotEmptyf(t, m.APIVersion, "%s: apiVersion", m.file)
		require.NotEmptyf(t, m.Kind, "%s: kind", m.file)
		require.NotEmptyf(t, m.Metadata.Name, "%s: metadata.name of a %s", m.file, m.Kind)
	}
}

func TestKustomizationResourcesExistAndExcludeTheExampleSecret(t *testing.T) {
	t.Parallel()
	var k kustomization
	decodeYAMLFile(t, kustomizationPath, &k)
	require.Equal(t, "Kustomization", k.Kind)
	require.NotEmpty(t, k.Resources)

	for _, r := range k.Resources {
		info, err := os.Stat(filepath.Join(k8sDir, r))
		require.NoErrorf(t, err, "kustomization lists %q", r)
		require.Falsef(t, info.IsDir(), "kustomization resource %q is a directory", r)
	}
	require.NotContains(t, k.Resources, secretExampleFile, "the example Secret must never be applied")
	seen := map[string]bool{}
	for _, r := range k.Resources {
		require.Falsef(t, seen[r], "kustomization lists %q twice", r)
		seen[r] = true
	}

	// Every manifest file except the example Secret and the kustomization
	// itself is applied, so no file is silently left out.
	entries, err := os.ReadDir(k8sDir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() || !isYAML(e.Name()) || e.Name() == secretExampleFile || e.Name() == path.Base(kustomizationPath) {
			continue
		}
		require.Containsf(t, k.Resources, e.Name(), "%s is not listed in kustomization.yaml", e.Name())
	}

	// The namespace is created by the kustomization and used by the Secret.
	namespaces := ofKind(deployed(t), "Namespace")
	require.Len(t, namespaces, 1)
	require.Equal(t, k.Namespace, namespaces[0].Metadata.Name)
	var secret typeMeta
	decodeYAMLFile(t, exampleSecretPath, &secret)
	require.Equal(t, k.Namespace, secret.Metadata.Namespace)
}

func TestWorkloadsRunOneImageWithTheirOwnArguments(t *testing.T) {
	t.Parallel()
	ws := workloads(t)
	require.Len(t, ws, len(wantK8sArgs))

	var image string
	for name, want := range wantK8sArgs {
		w, ok := ws[name]
		require.Truef(t, ok, "no deployed workload named %q", name)
		require.Lenf(t, w.Spec.Template.Spec.Containers, 1, "%s: one container", name)
		c := w.Spec.Template.Spec.Containers[0]
		require.Equalf(t, want, c.Args, "%s: args", name)
		if image == "" {
			image = imageName(c.Image)
		}
		require.Equalf(t, image, imageName(c.Image), "%s runs a different image", name)
	}
	require.Equal(t, "Job", ws[migrateJobName].Kind)
	require.Equal(t, "Deployment", ws[apiDeploymentName].Kind)
	require.Equal(t, "Deployment", ws[workerDeployName].Kind)

	// kustomize rewrites that image name to the released one.
	var k kustomization
	decodeYAMLFile(t, kustomizationPath, &k)
	var names []string
	for _, img := range k.Images {
		names = append(names, img.Name)
		if img.Name == image {
			require.NotEmpty(t, img.NewName)
			require.NotEmpty(t, img.NewTag)
		}
	}
	require.Containsf(t, names, image, "kustomization images do not set %q", image)
}

func TestHPATargetsAnExistingDeployment(t *testing.T) {
	t.Parallel()
	ms := deployed(t)
	hpas := ofKind(ms, "HorizontalPodAutoscaler")
	require.NotEmpty(t, hpas)

	deployments := map[string]bool{}
	for _, d := range ofKind(ms, "Deployment") {
		deployments[d.Metadata.Name] = true
	}
	for _, m := range hpas {
		require.Equal(t, "autoscaling/v2", m.APIVersion)
		var hpa struct {
			Spec struct {
				ScaleTargetRef struct {
					APIVersion string `yaml:"apiVersion"`
					Kind       string `yaml:"kind"`
					Name       string `yaml:"name"`
				} `yaml:"scaleTargetRef"`
				MinReplicas int `yaml:"minReplicas"`
				MaxReplicas int `yaml:"maxReplicas"`
				Metrics     []struct {
					Type     string `yaml:"type"`
					Resource struct {
						Name   string `yaml:"name"`
						Target struct {
							Type               string `yaml:"type"`
							AverageUtilization int    `yaml:"averageUtilization"`
						} `yaml:"target"`
					} `yaml:"resource"`
				} `yaml:"metrics"`
			} `yaml:"spec"`
		}
		require.NoError(t, m.node.Decode(&hpa))
		ref := hpa.Spec.ScaleTargetRef
		require.Equal(t, "Deployment", ref.Kind)
		require.Equal(t, "apps/v1", ref.APIVersion)
		require.Truef(t, deployments[ref.Name], "%s targets unknown Deployment %q", m, ref.Name)
		require.Equal(t, apiDeploymentName, ref.Name)
		require.Equal(t, 2, hpa.Spec.MinReplicas)
		require.Equal(t, 10, hpa.Spec.MaxReplicas)
		require.Len(t, hpa.Spec.Metrics, 1)
		require.Equal(t, "cpu", hpa.Spec.Metrics[0].Resource.Name)
		require.Equal(t, 70, hpa.Spec.Metrics[0].Resource.Target.AverageUtilization)
	}

	// Utilization is relative to the request, so the target must have one,
	// and a fixed replica count would fight the autoscaler on every apply.
	var api struct {
		Spec struct {
			Replicas *int `yaml:"replicas"`
		} `yaml:"spec"`
	}
	for _, d := range ofKind(ms, "Deployment") {
		if d.Metadata.Name == apiDeploymentName {
			require.NoError(t, d.node.Decode(&api))
		}
	}
	require.Nil(t, api.Spec.Replicas, "the HPA owns engage-api's replica count")
	require.NotEmpty(t, workloads(t)[apiDeploymentName].Spec.Template.Spec.Containers[0].Resources.Requests["cpu"])
}

func TestServiceAndDisruptionBudgetsSelectWorkloadPods(t *testing.T) {
	t.Parallel()
	ws := workloads(t)
	matches := func(selector map[string]string) []string {
		var names []string
		for name, w := range ws {
			if w.Kind != "Deployment" {
				continue
			}
			ok := len(selector) > 0
			for k, v := range selector {
				if w.Spec.Template.Metadata.Labels[k] != v {
					ok = false
				}
			}
			if ok {
				names = append(names, name)
			}
		}
		return names
	}

	// Each Deployment's own selector matches its pod template.
	for name, w := range ws {
		if w.Kind == "Deployment" {
			require.Equalf(t, []string{name}, matches(w.Spec.Selector.MatchLabels), "%s selector", name)
		}
	}

	ms := deployed(t)
	services := ofKind(ms, "Service")
	require.NotEmpty(t, services)
	for _, m := range services {
		var svc struct {
			Spec struct {
				Selector map[string]string `yaml:"selector"`
				Ports    []struct {
					Port       int `yaml:"port"`
					TargetPort any `yaml:"targetPort"`
				} `yaml:"ports"`
			} `yaml:"spec"`
		}
		require.NoError(t, m.node.Decode(&svc))
		selected := matches(svc.Spec.Selector)
		require.Equalf(t, []string{apiDeploymentName}, selected, "%s selects", m)

		c := ws[apiDeploymentName].Spec.Template.Spec.Containers[0]
		var portNames []string
		var portNumbers []int
		for _, p := range c.Ports {
			portNames = append(portNames, p.Name)
			portNumbers = append(portNumbers, p.ContainerPort)
		}
		for _, p := range svc.Spec.Ports {
			switch tp := p.TargetPort.(type) {
			case string:
				require.Containsf(t, portNames, tp, "%s targets unknown port name", m)
			case int:
				require.Containsf(t, portNumbers, tp, "%s targets unknown port", m)
			default:
				require.Failf(t, "bad targetPort", "%s: targetPort %v", m, tp)
			}
		}
	}

	for _, m := range ofKind(ms, "PodDisruptionBudget") {
		var pdb struct {
			Spec struct {
				Selector struct {
					MatchLabels map[string]string `yaml:"matchLabels"`
				} `yaml:"selector"`
			} `yaml:"spec"`
		}
		require.NoError(t, m.node.Decode(&pdb))
		require.Lenf(t, matches(pdb.Spec.Selector.MatchLabels), 1, "%s must select exactly one Deployment", m)
	}
}

func TestWorkloadsRunAsNonRootWithReadOnlyRootFilesystem(t *testing.T) {
	t.Parallel()
	for name, w := range workloads(t) {
		pod := w.Spec.Template.Spec
		require.NotNilf(t, pod.SecurityContext.RunAsNonRoot, "%s: pod runAsNonRoot", name)
		require.Truef(t, *pod.SecurityContext.RunAsNonRoot, "%s: pod runAsNonRoot", name)
		// The image's USER is the name "nonroot"; the kubelet can only verify
		// runAsNonRoot against a numeric uid.
		require.NotNilf(t, pod.SecurityContext.RunAsUser, "%s: runAsUser", name)
		require.NotZerof(t, *pod.SecurityContext.RunAsUser, "%s: runAsUser", name)
		for _, c := range pod.Containers {
			sc := c.SecurityContext
			require.NotNilf(t, sc.ReadOnlyRootFilesystem, "%s/%s: readOnlyRootFilesystem", name, c.Name)
			require.Truef(t, *sc.ReadOnlyRootFilesystem, "%s/%s: readOnlyRootFilesystem", name, c.Name)
			require.NotNilf(t, sc.AllowPrivilegeEscalation, "%s/%s: allowPrivilegeEscalation", name, c.Name)
			require.Falsef(t, *sc.AllowPrivilegeEscalation, "%s/%s: allowPrivilegeEscalation", name, c.Name)
			require.NotEmptyf(t, c.Resources.Requests["cpu"], "%s/%s: cpu request", name, c.Name)
			require.NotEmptyf(t, c.Resources.Requests["memory"], "%s/%s: memory request", name, c.Name)
			require.NotEmptyf(t, c.Resources.Limits["memory"], "%s/%s: memory limit", name, c.Name)
		}
	}
}

func TestAPIIsProbedOnHealthEndpointsAndScrapedForMetrics(t *testing.T) {
	t.Parallel()
	api := workloads(t)[apiDeploymentName]
	c := api.Spec.Template.Spec.Containers[0]

	require.NotNil(t, c.LivenessProbe)
	require.NotNil(t, c.LivenessProbe.HTTPGet)
	require.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
	require.NotNil(t, c.ReadinessProbe)
	require.NotNil(t, c.ReadinessProbe.HTTPGet)
	require.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)

	var port int
	for _, p := range c.Ports {
		if p.Name == c.LivenessProbe.HTTPGet.Port || p.ContainerPort == c.LivenessProbe.HTTPGet.Port {
			port = p.ContainerPort
		}
	}
	require.Equal(t, 8080, port, "probes must hit the HTTP port")

	// Prometheus scrapes the metrics port, which is not the one probes and traffic use.
	ann := api.Spec.Template.Metadata.Annotations
	require.Equal(t, "true", ann["prometheus.io/scrape"])
	require.Equal(t, "/metrics", ann["prometheus.io/path"])
	metrics := containerPort(t, c, "metrics")
	require.NotEqual(t, port, metrics, "/metrics is not on the public port")
	require.Equal(t, fmt.Sprint(metrics), ann["prometheus.io/port"])
}

// containerPort is the number of c's port with this name.
func containerPort(t *testing.T, c container, name string) int {
	t.Helper()
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	require.Failf(t, "missing port", "container %s has no port named %q", c.Name, name)
	return 0
}

// addrPort is the port of a listen address such as ":9090" or "127.0.0.1:9090".
func addrPort(t *testing.T, addr string) string {
	t.Helper()
	i := strings.LastIndex(addr, ":")
	require.Positivef(t, i+1, "%q has no port", addr)
	return addr[i+1:]
}

func TestMetricsAreServedOnAnInternalPortThatNothingPublishes(t *testing.T) {
	t.Parallel()

	// Kubernetes: engage listens for metrics on the container port "metrics", which no
	// Service, Ingress or NetworkPolicy rule for everyone reaches.
	data := configMapData(t, "engage-config")
	require.Equal(t, "production", data["ENGAGE_ENV"], "production: HSTS, and /metrics off the public listener")
	c := workloads(t)[apiDeploymentName].Spec.Template.Spec.Containers[0]
	metrics, http := containerPort(t, c, "metrics"), containerPort(t, c, "http")
	require.Equal(t, fmt.Sprint(metrics), addrPort(t, data[metricsAddrEnv]))
	require.Equal(t, fmt.Sprint(http), addrPort(t, data[httpAddrEnv]))
	for _, m := range ofKind(deployed(t), "Service") {
		var svc struct {
			Spec struct {
				Type  string `yaml:"type"`
				Ports []struct {
					TargetPort any `yaml:"targetPort"`
				} `yaml:"ports"`
			} `yaml:"spec"`
		}
		require.NoError(t, m.node.Decode(&svc))
		for _, p := range svc.Spec.Ports {
			require.NotContainsf(t, []any{"metrics", metrics}, p.TargetPort, "%s exposes the metrics port", m)
		}
	}
	var policy struct {
		Spec struct {
			PodSelector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"podSelector"`
			Ingress []struct {
				From  []map[string]any `yaml:"from"`
				Ports []struct {
					Port any `yaml:"port"`
				} `yaml:"ports"`
			} `yaml:"ingress"`
		} `yaml:"spec"`
	}
	decodeYAMLFile(t, networkPolicyPath, &policy)
	require.Equal(t, workloads(t)[apiDeploymentName].Spec.Template.Metadata.Labels["app.kubernetes.io/component"],
		policy.Spec.PodSelector.MatchLabels["app.kubernetes.io/component"], "the policy covers the api pods")
	var metricsRules int
	for _, rule := range policy.Spec.Ingress {
		for _, p := range rule.Ports {
			if p.Port == "metrics" || p.Port == metrics {
				metricsRules++
				require.NotEmpty(t, rule.From, "the metrics port is open to the monitoring namespace only")
			}
		}
	}
	require.Equal(t, 1, metricsRules)

	// compose: the api listens for metrics apart, and publishes only its HTTP port.
	cs := loadCompose(t)
	api := cs.Services["api"]
	port := addrPort(t, api.Environment[metricsAddrEnv])
	require.NotEqual(t, addrPort(t, api.Environment[httpAddrEnv]), port)
	require.Contains(t, api.Expose, port, "reachable on the compose network")
	for name, svc := range cs.Services {
		for _, p := range svc.Ports {
			parts := strings.Split(p, ":")
			require.NotEqualf(t, port, parts[len(parts)-1], "compose %s publishes the metrics port (%s)", name, p)
		}
	}
}

func TestTheIngressTerminatesTLSAndReachesOnlyTheAPIsHTTPPort(t *testing.T) {
	t.Parallel()
	var ing struct {
		typeMeta `yaml:",inline"`
		Spec     struct {
			TLS []struct {
				Hosts      []string `yaml:"hosts"`
				SecretName string   `yaml:"secretName"`
			} `yaml:"tls"`
			Rules []struct {
				Host string `yaml:"host"`
				HTTP struct {
					Paths []struct {
						Path    string `yaml:"path"`
						Backend struct {
							Service struct {
								Name string `yaml:"name"`
								Port struct {
									Name   string `yaml:"name"`
									Number int    `yaml:"number"`
								} `yaml:"port"`
							} `yaml:"service"`
						} `yaml:"backend"`
					} `yaml:"paths"`
				} `yaml:"http"`
			} `yaml:"rules"`
		} `yaml:"spec"`
	}
	decodeYAMLFile(t, ingressPath, &ing)
	require.Equal(t, "Ingress", ing.Kind)
	require.Equal(t, "networking.k8s.io/v1", ing.APIVersion)
	require.Equal(t, "true", ing.Metadata.Annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"], "plain HTTP is redirected")

	public, err := url.Parse(configMapData(t, "engage-config")["ENGAGE_PUBLIC_URL"])
	require.NoError(t, err)
	require.Equal(t, "https", public.Scheme)
	require.Len(t, ing.Spec.TLS, 1)
	require.Equal(t, []string{public.Hostname()}, ing.Spec.TLS[0].Hosts, "TLS for the public URL's host")
	require.NotEmpty(t, ing.Spec.TLS[0].SecretName)

	services := map[string]bool{}
	for _, m := range ofKind(deployed(t), "Service") {
		services[m.Metadata.Name] = true
	}
	require.NotEmpty(t, ing.Spec.Rules)
	for _, r := range ing.Spec.Rules {
		require.Equal(t, public.Hostname(), r.Host)
		for _, p := range r.HTTP.Paths {
			require.Truef(t, services[p.Backend.Service.Name], "the ingress sends %s to unknown Service %q", p.Path, p.Backend.Service.Name)
			require.Equal(t, "http", p.Backend.Service.Port.Name, "the ingress reaches the http port only")
		}
	}
}

func TestTheProxyTerminatesTLSWithHSTSInFrontOfTheAPI(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(caddyfilePath)
	require.NoError(t, err)
	var lines []string
	for l := range strings.SplitSeq(string(raw), "\n") {
		if l, _, _ = strings.Cut(l, "#"); strings.TrimSpace(l) != "" {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
	}
	caddy := strings.Join(lines, "\n")
	require.Contains(t, caddy, `Strict-Transport-Security "`+hstsValue+`"`)
	require.Contains(t, caddy, `X-Content-Type-Options "nosniff"`)
	require.Contains(t, caddy, "respond /metrics 404", "the proxy never passes /metrics on")
	upstream := regexp.MustCompile(`(?m)^reverse_proxy (\S+):(\d+)$`).FindStringSubmatch(caddy)
	require.NotNil(t, upstream, "the proxy passes requests to one upstream")

	c := loadCompose(t)
	api, ok := c.Services[upstream[1]]
	require.Truef(t, ok, "the proxy's upstream %q is not a compose service", upstream[1])
	require.Equal(t, []string{"serve", "--workers=false"}, []string(api.Command), "the upstream is the api")
	require.Equal(t, addrPort(t, api.Environment[httpAddrEnv]), upstream[2], "the upstream port is the api's HTTP port")

	proxy, ok := c.Services["proxy"]
	require.True(t, ok, "compose runs the proxy")
	require.Contains(t, proxy.Volumes, "./"+caddyfilePath+":/etc/caddy/Caddyfile:ro")
	require.Contains(t, proxy.Ports, "443:443")
	require.Contains(t, proxy.DependsOn, upstream[1])
}

func TestGracePeriodsExceedTheShutdownTimeout(t *testing.T) {
	t.Parallel()

	// Kubernetes: the Deployments read the timeout from the ConfigMap.
	ws := workloads(t)
	for _, name := range []string{apiDeploymentName, workerDeployName} {
		w := ws[name]
		c := w.Spec.Template.Spec.Containers[0]
		var timeout time.Duration
		for _, ef := range c.EnvFrom {
			if ef.ConfigMapRef == nil {
				continue
			}
			if v, ok := configMapData(t, ef.ConfigMapRef.Name)[shutdownTimeoutEnv]; ok {
				d, err := time.ParseDuration(v)
				require.NoError(t, err)
				timeout = d
			}
		}
		require.NotZerof(t, timeout, "%s: %s not set through its ConfigMap", name, shutdownTimeoutEnv)
		grace := w.Spec.Template.Spec.TerminationGracePeriodSeconds
		require.NotNilf(t, grace, "%s: terminationGracePeriodSeconds", name)
		require.Greaterf(t, time.Duration(*grace)*time.Second, timeout,
			"%s: terminationGracePeriodSeconds must exceed %s", name, shutdownTimeoutEnv)
	}
	require.Equal(t, 45, *ws[apiDeploymentName].Spec.Template.Spec.TerminationGracePeriodSeconds)

	// compose: stop_grace_period against the service's own environment.
	c := loadCompose(t)
	for _, name := range []string{"api", "worker"} {
		svc := c.Services[name]
		timeout, err := time.ParseDuration(svc.Environment[shutdownTimeoutEnv])
		require.NoErrorf(t, err, "compose %s: %s", name, shutdownTimeoutEnv)
		grace, err := time.ParseDuration(svc.StopGracePeriod)
		require.NoErrorf(t, err, "compose %s: stop_grace_period", name)
		require.Greaterf(t, grace, timeout, "compose %s: stop_grace_period must exceed %s", name, shutdownTimeoutEnv)
	}
}

func TestWorkloadEnvironmentReferencesResolve(t *testing.T) {
	t.Parallel()

	var secret struct {
		typeMeta   `yaml:",inline"`
		StringData map[string]string `yaml:"stringData"`
	}
	decodeYAMLFile(t, exampleSecretPath, &secret)
	require.Equal(t, "Secret", secret.Kind)
	for k, v := range secret.StringData {
		require.Containsf(t, v, "CHANGE-ME", "example Secret value %s must be an obvious placeholder", k)
	}

	configMaps := map[string]bool{}
	for _, m := range ofKind(deployed(t), "ConfigMap") {
		configMaps[m.Metadata.Name] = true
	}

	for name, w := range workloads(t) {
		for _, c := range w.Spec.Template.Spec.Containers {
			var envNames []string
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef != nil {
					require.Truef(t, configMaps[ef.ConfigMapRef.Name], "%s: unknown ConfigMap %q", name, ef.ConfigMapRef.Name)
				}
				require.Nilf(t, ef.SecretRef, "%s: import secret keys one by one, not the whole Secret", name)
			}
			for _, e := range c.Env {
				envNames = append(envNames, e.Name)
				if e.ValueFrom == nil {
					continue
				}
				if ref := e.ValueFrom.SecretKeyRef; ref != nil {
					require.Equalf(t, secret.Metadata.Name, ref.Name, "%s: %s reads an unknown Secret", name, e.Name)
					require.Containsf(t, secret.StringData, ref.Key, "%s: %s reads a key the example Secret lacks", name, e.Name)
				}
				if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
					require.Containsf(t, configMapData(t, ref.Name), ref.Key, "%s: %s", name, e.Name)
				}
			}

			// Only the migrate Job holds the owner credential; the long-running
			// processes connect as the application role.
			if name == migrateJobName {
				require.Containsf(t, envNames, migrateDSNEnv, "%s", name)
				require.NotContainsf(t, envNames, appDSNEnv, "%s", name)
			} else {
				require.NotContainsf(t, envNames, migrateDSNEnv, "%s must not get the owner DSN", name)
				require.Containsf(t, envNames, appDSNEnv, "%s", name)
				require.Containsf(t, envNames, "ENGAGE_SECRETS_KEY", "%s", name)
			}
		}
	}
	require.Equal(t, "engage_app", dsnUser(t, secret.StringData[appDSNEnv]))
	require.Equal(t, "engage_owner", dsnUser(t, secret.StringData[migrateDSNEnv]))
}

// ---------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------

type instruction struct {
	cmd  string // upper-cased keyword
	args string
}

// dockerInstructions reads a Dockerfile into instructions, joining
// continuation lines and dropping comments and blank lines.
func dockerInstructions(t *testing.T, file string) []instruction {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()

	var out []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if rest, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(rest)
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(line)
		full := strings.TrimSpace(cur.String())
		cur.Reset()
		if full == "" {
			continue
		}
		cmd, args, _ := strings.Cut(full, " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
	}
	require.NoError(t, sc.Err())
	require.Zero(t, cur.Len(), "Dockerfile ends inside a continued line")
	return out
}

func TestDockerfileBuildsStaticallyAndRunsAsNonRoot(t *testing.T) {
	t.Parallel()
	ins := dockerInstructions(t, dockerfilePath)

	// Split into stages.
	type stage struct {
		from, name string
		body       []instruction
	}
	var stages []*stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			fields := strings.Fields(in.args)
			fields = slices.DeleteFunc(fields, func(f string) bool { return strings.HasPrefix(f, "--") })
			require.NotEmpty(t, fields, "FROM without an image")
			s := &stage{from: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	require.GreaterOrEqual(t, len(stages), 2, "want a build stage and a runtime stage")

	build, runtime := stages[0], stages[len(stages)-1]
	require.True(t, strings.HasPrefix(build.from, "golang:1.26"), build.from)
	require.NotEmpty(t, build.name, "the build stage is named so the runtime stage can copy from it")
	require.Equal(t, "gcr.io/distroless/static-debian12:nonroot", runtime.from)

	var buildCmd string
	for _, in := range build.body {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			buildCmd = in.args
		}
	}
	require.NotEmpty(t, buildCmd, "no go build in the build stage")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags="-s -w"`, "-o /out/engage", "./cmd/engage", "--mount=type=cache"} {
		require.Containsf(t, buildCmd, want, "go build command")
	}

	last := map[string]string{}
	var copiedFrom []string
	for _, in := range runtime.body {
		last[in.cmd] = in.args
		if in.cmd == "COPY" {
			for f := range strings.FieldsSeq(in.args) {
				if from, ok := strings.CutPrefix(f, "--from="); ok {
					copiedFrom = append(copiedFrom, from)
				}
			}
		}
	}
	require.Contains(t, copiedFrom, build.name, "the runtime stage copies the binary from the build stage")
	require.Contains(t, last, "USER")
	require.True(t, strings.HasPrefix(last["USER"], "nonroot"), last["USER"])
	require.Equal(t, "8080", last["EXPOSE"])

	var entrypoint, cmd []string
	require.NoError(t, json.Unmarshal([]byte(last["ENTRYPOINT"]), &entrypoint), "ENTRYPOINT in exec form")
	require.NoError(t, json.Unmarshal([]byte(last["CMD"]), &cmd), "CMD in exec form")
	require.Equal(t, []string{"/engage"}, entrypoint)
	require.Equal(t, []string{"serve"}, cmd)
}

// ---------------------------------------------------------------------------
// Ory Kratos
// ---------------------------------------------------------------------------

type kratosConfig struct {
	Serve struct {
		Public struct {
			BaseURL string `yaml:"base_url"`
		} `yaml:"public"`
		Admin struct {
			BaseURL string `yaml:"base_url"`
		} `yaml:"admin"`
	} `yaml:"serve"`
	Selfservice struct {
		DefaultBrowserReturnURL string   `yaml:"default_browser_return_url"`
		AllowedReturnURLs       []string `yaml:"allowed_return_urls"`
		Methods                 map[string]struct {
			Enabled bool `yaml:"enabled"`
		} `yaml:"methods"`
		Flows map[string]struct {
			Enabled *bool  `yaml:"enabled"`
			UIURL   string `yaml:"ui_url"`
			Use     string `yaml:"use"`
		} `yaml:"flows"`
	} `yaml:"selfservice"`
	Secrets struct {
		Cookie []string `yaml:"cookie"`
		Cipher []string `yaml:"cipher"`
	} `yaml:"secrets"`
	Identity struct {
		DefaultSchemaID string `yaml:"default_schema_id"`
		Schemas         []struct {
			ID  string `yaml:"id"`
			URL string `yaml:"url"`
		} `yaml:"schemas"`
	} `yaml:"identity"`
	Courier struct {
		SMTP struct {
			ConnectionURI string `yaml:"connection_uri"`
		} `yaml:"smtp"`
	} `yaml:"courier"`
}

func TestKratosConfigPointsAtItsMountedIdentitySchema(t *testing.T) {
	t.Parallel()
	var k kratosConfig
	decodeYAMLFile(t, kratosConfigPath, &k)

	// compose mounts deploy/kratos at this container path.
	c := loadCompose(t)
	var mountTarget string
	for _, v := range c.Services["kratos"].Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && filepath.Clean(parts[0]) == filepath.Dir(kratosConfigPath) {
			mountTarget = parts[1]
		}
	}
	require.NotEmpty(t, mountTarget, "compose does not mount deploy/kratos into kratos")
	require.Contains(t, strings.Join(c.Services["kratos"].Command, " "), path.Join(mountTarget, path.Base(kratosConfigPath)))

	require.NotEmpty(t, k.Identity.Schemas)
	var ids []string
	for _, s := range k.Identity.Schemas {
		ids = append(ids, s.ID)
		inContainer, ok := strings.CutPrefix(s.URL, "file://")
		require.Truef(t, ok, "schema %q: want a file:// URL, got %q", s.ID, s.URL)
		rel, ok := strings.CutPrefix(inContainer, mountTarget+"/")
		require.Truef(t, ok, "schema %q: %q is outside the mounted %s", s.ID, inContainer, mountTarget)
		_, err := os.Stat(filepath.Join(filepath.Dir(kratosConfigPath), rel))
		require.NoErrorf(t, err, "schema %q: file missing", s.ID)
	}
	require.Contains(t, ids, k.Identity.DefaultSchemaID)
}

func TestKratosConfigEnablesTheConsoleFlowsAndMailsThroughMailpit(t *testing.T) {
	t.Parallel()
	var k kratosConfig
	decodeYAMLFile(t, kratosConfigPath, &k)

	const console = "http://localhost:8080/console/"
	require.Equal(t, console, k.Selfservice.DefaultBrowserReturnURL)
	require.Contains(t, k.Selfservice.AllowedReturnURLs, console)
	for _, m := range []string{"password", "code"} {
		require.Truef(t, k.Selfservice.Methods[m].Enabled, "method %s", m)
	}
	for _, f := range []string{"login", "registration", "verification", "recovery", "settings", "error"} {
		flow, ok := k.Selfservice.Flows[f]
		require.Truef(t, ok, "flow %s", f)
		require.Truef(t, strings.HasPrefix(flow.UIURL, console), "flow %s: ui_url %q is not in the console", f, flow.UIURL)
	}
	for _, f := range []string{"verification", "recovery"} {
		flow := k.Selfservice.Flows[f]
		require.NotNilf(t, flow.Enabled, "flow %s", f)
		require.Truef(t, *flow.Enabled, "flow %s", f)
		require.Equalf(t, "code", flow.Use, "flow %s", f)
	}

	require.NotEmpty(t, k.Secrets.Cookie)
	require.NotEmpty(t, k.Secrets.Cipher)
	for _, s := range k.Secrets.Cipher {
		require.Len(t, s, 32, "Kratos cipher secrets are exactly 32 characters")
	}

	c := loadCompose(t)
	require.True(t, strings.HasPrefix(k.Courier.SMTP.ConnectionURI, "smtp://mailpit:"), k.Courier.SMTP.ConnectionURI)
	require.Equal(t, "service_started", c.Services["kratos"].DependsOn["mailpit"])
	require.Contains(t, c.Services["api"].Environment["ENGAGE_KRATOS_PUBLIC_URL"], "kratos:4433")
}

func TestIdentitySchemaUsesEmailForPasswordCodeVerificationAndRecovery(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("kratos/identity.schema.json")
	require.NoError(t, err)

	type kratosExt struct {
		Credentials map[string]struct {
			Identifier bool   `json:"identifier"`
			Via        string `json:"via"`
		} `json:"credentials"`
		Verification struct {
			Via string `json:"via"`
		} `json:"verification"`
		Recovery struct {
			Via string `json:"via"`
		} `json:"recovery"`
	}
	var schema struct {
		Properties struct {
			Traits struct {
				Properties map[string]struct {
					Type   string     `json:"type"`
					Format string     `json:"format"`
					Ory    *kratosExt `json:"ory.sh/kratos"`
				} `json:"properties"`
				Required []string `json:"required"`
			} `json:"traits"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(raw, &schema))
	traits := schema.Properties.Traits

	email, ok := traits.Properties["email"]
	require.True(t, ok, "email trait")
	require.Equal(t, "email", email.Format)
	require.NotNil(t, email.Ory, "email trait has no ory.sh/kratos extension")
	require.True(t, email.Ory.Credentials["password"].Identifier, "email identifies the password credential")
	require.True(t, email.Ory.Credentials["code"].Identifier, "email identifies the code credential")
	require.Equal(t, "email", email.Ory.Credentials["code"].Via)
	require.Equal(t, "email", email.Ory.Verification.Via)
	require.Equal(t, "email", email.Ory.Recovery.Via)

	name, ok := traits.Properties["name"]
	require.True(t, ok, "name trait")
	require.Equal(t, "string", name.Type)
	require.Contains(t, traits.Required, "email")
}

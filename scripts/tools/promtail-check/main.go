// promtail-check reads a Promtail config file with Promtail's own config code and says whether
// Promtail would start on it.
//
// Promtail's last releases cannot be built from the Go module proxy (see scripts/tools.yml), but
// github.com/grafana/loki/v3 v3.7.8 still carries the packages Promtail reads its config with. This
// program is built against them by scripts/tools.py and does what Promtail's main and its start-up
// do with a config file, up to the point where Promtail would touch the node or the network:
//
//  1. cfg.DefaultUnmarshal over a Config that registers Promtail's command-line flags: the defaults of
//     every setting (RegisterFlags), then the -config.file read as strict YAML (unknown keys and values
//     of the wrong type refused), with ${VAR} expansion when -config.expand-env=true is given, then the
//     flags. The YAML goes through config.Config.UnmarshalYAML (unique job names, relabel actions).
//  2. the log level check of Promtail's main;
//  3. config.Config.Validate() (each relabel config), as Promtail's reloadConfig does before it starts;
//  4. config.Config.Setup(), then the checks of Promtail's client and target managers that need
//     nothing but the config: at least one client, each with a URL and HTTP settings that pass the
//     HTTPClientConfig.Validate() Promtail's client runs; every scrape config has a source; and each
//     scrape config's pipeline, stages.NewPipeline, as the target managers build them at start-up
//     (unknown stages, bad regexes, templates, selectors).
//
// Not done, because they need the node Promtail runs on: opening the positions file, the TLS files of
// the clients and the database of a geoip stage (a job with a geoip stage is read but its pipeline is
// not built, which is said on the output), and starting the discovery and the clients.
//
// Exit status 0 with one line on stdout when Promtail would start; 1 with Promtail's own error text on
// stderr when it would not. Usage: promtail-check -config.file=FILE [-config.expand-env=true] [any
// Promtail flag].
package main

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"

	// Promtail embeds the time zone database (the timestamp stage's location).
	_ "time/tzdata"

	"github.com/go-kit/log"
	dskitflagext "github.com/grafana/dskit/flagext"
	dskitlog "github.com/grafana/dskit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/version"

	"github.com/grafana/loki/v3/clients/pkg/logentry/stages"
	promtail "github.com/grafana/loki/v3/clients/pkg/promtail/config"
	"github.com/grafana/loki/v3/clients/pkg/promtail/scrapeconfig"
	_ "github.com/grafana/loki/v3/pkg/util/build" // the version stamp (-ldflags) lands in prometheus/common/version
	"github.com/grafana/loki/v3/pkg/util/cfg"
)

// options is Promtail's command line: its main's own flags, then every flag of its config.
type options struct {
	promtail.Config `yaml:",inline"`

	printVersion, printConfig, logConfig, dryRun, checkSyntax, inspect, configExpandEnv bool
	configFile                                                                          string
}

func (o *options) RegisterFlags(f *flag.FlagSet) {
	// The names, defaults and meaning of Promtail 3's main, so a Promtail command line is accepted as is.
	f.BoolVar(&o.printVersion, "version", false, "Print this build's version information")
	f.BoolVar(&o.printConfig, "print-config-stderr", false, "Accepted as Promtail does; the config is not printed")
	f.BoolVar(&o.logConfig, "log-config-reverse-order", false, "Accepted as Promtail does; nothing is logged")
	f.BoolVar(&o.dryRun, "dry-run", false, "Accepted as Promtail does; nothing is sent anyway")
	f.BoolVar(&o.checkSyntax, "check-syntax", false, "Accepted as Promtail does; the checks below run anyway")
	f.BoolVar(&o.inspect, "inspect", false, "Accepted as Promtail does")
	f.StringVar(&o.configFile, "config.file", "", "yaml file to load")
	f.BoolVar(&o.configExpandEnv, "config.expand-env", false, "Expands ${var} in config according to the values of the environment variables.")
	o.Config.RegisterFlags(f)
}

// Clone gives cfg.ConfigFileLoader a copy to parse the command line into (it looks for -config.file).
func (o *options) Clone() dskitflagext.Registerer {
	copied := *o
	return &copied
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// hasGeoIP: whether a pipeline holds a geoip stage, at the top or inside a match stage.
func hasGeoIP(node interface{}) bool {
	switch v := node.(type) {
	case []interface{}:
		for _, item := range v {
			if hasGeoIP(item) {
				return true
			}
		}
	case map[interface{}]interface{}:
		for key, value := range v {
			if key == "geoip" || hasGeoIP(value) {
				return true
			}
		}
	}
	return false
}

// hasSource: what Promtail's target managers need to run a scrape config (targets.NewTargetManagers).
func hasSource(job *scrapeconfig.Config) bool {
	return job.HasServiceDiscoveryConfig() || job.JournalConfig != nil || job.SyslogConfig != nil ||
		job.GcplogConfig != nil || job.PushConfig != nil || job.WindowsConfig != nil || job.KafkaConfig != nil ||
		job.AzureEventHubsConfig != nil || job.GelfConfig != nil || job.CloudflareConfig != nil ||
		job.DockerSDConfigs != nil || job.HerokuDrainConfig != nil
}

// pipeline builds a scrape config's pipeline as Promtail's target managers do. Some stages panic on a bad
// setting (a match selector whose regex does not compile); Promtail would stop there too, so the panic is
// reported as the refusal it is, on one line.
func pipeline(job *scrapeconfig.Config, registry prometheus.Registerer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Promtail panics building this pipeline: %v", r)
		}
	}()
	_, err = stages.NewPipeline(log.NewNopLogger(), job.PipelineStages, &job.JobName, registry)
	return err
}

func main() {
	var o options
	if err := cfg.DefaultUnmarshal(&o, os.Args[1:], flag.CommandLine); err != nil {
		fail("Unable to parse config: %v", err)
	}
	if o.printVersion {
		fmt.Println(version.Print("promtail-check"))
		return
	}
	if o.configFile == "" {
		fail("Invalid config file")
	}
	if reflect.DeepEqual(&o.Config.ServerConfig.Config.LogLevel, &dskitlog.Level{}) {
		fail("Invalid log level")
	}
	if err := o.Config.Validate(); err != nil {
		fail("error validating config: %v", err)
	}

	o.Config.Setup(log.NewNopLogger())
	// In the order of Promtail's reloadConfig: the clients, then the targets and their pipelines.
	if len(o.Config.ClientConfigs) == 0 {
		fail("at least one client config must be provided")
	}
	for i, client := range o.Config.ClientConfigs {
		if client.URL.URL == nil {
			fail("clients[%d]: client needs target URL", i)
		}
		if err := client.Client.Validate(); err != nil {
			fail("clients[%d]: %v", i, err)
		}
	}
	registry := prometheus.NewRegistry()
	built, skipped := 0, []string{}
	for i := range o.Config.ScrapeConfig {
		job := &o.Config.ScrapeConfig[i]
		if !o.Config.TargetConfig.Stdin && !hasSource(job) {
			fail("no valid target scrape config defined for %q", job.JobName)
		}
		if hasGeoIP(job.PipelineStages) {
			skipped = append(skipped, job.JobName)
			continue
		}
		if err := pipeline(job, registry); err != nil {
			fail("scrape config %q: %v", job.JobName, err)
		}
		built++
	}

	note := ""
	if len(skipped) > 0 {
		note = fmt.Sprintf("; pipelines not built (a geoip stage opens its database on the node): %s",
			strings.Join(skipped, ", "))
	}
	fmt.Printf("%s: valid Promtail config (Promtail's config code of github.com/grafana/loki/v3 v%s: "+
		"strict YAML, Validate(), %d scrape pipelines, %d clients)%s\n",
		o.configFile, version.Version, built, len(o.Config.ClientConfigs), note)
}

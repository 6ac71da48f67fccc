package mailpittest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// loopback is the address mailpit listens on.
	loopback = "127.0.0.1"
	// startTimeout bounds how long a started mailpit may take to answer.
	startTimeout = 30 * time.Second
	// stopTimeout is how long mailpit gets to exit after SIGTERM before it is killed.
	stopTimeout = 5 * time.Second
	// startAttempts is how often Start tries fresh ports when another process took one first.
	startAttempts = 3
)

// process is one mailpit process, its output going to a log file.
type process struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error // what Wait returned; read it only after done is closed
}

// start launches mailpit with args on free ports and waits until it answers, retrying with
// other ports when one was taken in between; the process is stopped when t ends.
func (m *Mailpit) start(t testing.TB, bin, dir string, args []string) {
	t.Helper()
	var lastErr error
	for attempt := range startAttempts {
		smtpPort, httpPort, err := freePorts()
		if err != nil {
			t.Fatalf("mailpittest: free ports: %v", err)
		}
		m.smtpPort = smtpPort
		m.smtpAddr = net.JoinHostPort(loopback, strconv.Itoa(smtpPort))
		m.httpURL = "http://" + net.JoinHostPort(loopback, strconv.Itoa(httpPort))
		full := append(slices.Clone(args), "--smtp", m.smtpAddr, "--listen", net.JoinHostPort(loopback, strconv.Itoa(httpPort)))
		p, err := launch(bin, full, filepath.Join(dir, fmt.Sprintf("mailpit-%d.log", attempt)))
		if err != nil {
			t.Fatalf("mailpittest: start %s: %v", bin, err)
		}
		if err := m.waitReady(p); err != nil {
			p.stop()
			log := p.log()
			lastErr = fmt.Errorf("%w\nmailpit output:\n%s", err, log)
			if strings.Contains(log, "address already in use") {
				continue
			}
			break
		}
		m.proc = p
		t.Cleanup(func() {
			p.stop()
			if t.Failed() {
				t.Logf("mailpittest: mailpit output:\n%s", p.log())
			}
		})
		return
	}
	t.Fatalf("mailpittest: mailpit did not start: %v", lastErr)
}

// launch starts bin with args, its output in logPath, without MP_* variables from the
// environment (mailpit reads its settings from them).
func launch(bin string, args []string, logPath string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MP_") })
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, errors.Join(err, logFile.Close())
	}
	p := &process{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// waitReady waits until the SMTP server greets and the HTTP API reports ready.
func (m *Mailpit) waitReady(p *process) error {
	deadline := time.Now().Add(startTimeout)
	var smtpErr, httpErr error
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("mailpit exited: %v", p.err)
		default:
		}
		smtpErr = m.greets()
		if smtpErr == nil {
			httpErr = m.ready()
			if httpErr == nil {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("mailpit did not answer within %s (SMTP: %v; HTTP: %v)", startTimeout, smtpErr, httpErr)
}

// greets reports whether the SMTP server sends its 220 greeting (over TLS for TLSImplicit).
func (m *Mailpit) greets() error {
	conn, err := net.DialTimeout("tcp", m.smtpAddr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if m.opts.TLS == TLSImplicit {
		tc := tls.Client(conn, m.TLSConfig())
		defer tc.Close()
		conn = tc
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "220") {
		return fmt.Errorf("greeting %q", strings.TrimSpace(line))
	}
	_, _ = conn.Write([]byte("QUIT\r\n"))
	return nil
}

// ready reports whether mailpit's readiness endpoint answers 200.
func (m *Mailpit) ready() error {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(m.httpURL + "/readyz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /readyz: %s", resp.Status)
	}
	return nil
}

// stop ends the process: SIGTERM, then SIGKILL if it lingers.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// log returns the end of what the process wrote.
func (p *process) log() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no output: " + err.Error() + ")"
	}
	return string(tail(b, 8000))
}

// freePorts returns two distinct loopback ports that were free a moment ago.
func freePorts() (int, int, error) {
	a, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return 0, 0, err
	}
	defer a.Close()
	b, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	return a.Addr().(*net.TCPAddr).Port, b.Addr().(*net.TCPAddr).Port, nil
}

// Stop stops mailpit now, before the test ends, as if the server went down; later connections
// are refused. Stopping it twice is harmless.
func (m *Mailpit) Stop() { m.proc.stop() }

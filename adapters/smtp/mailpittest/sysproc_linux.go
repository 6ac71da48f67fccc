package mailpittest

import "syscall"

// sysProcAttr has Linux kill mailpit should the test binary die without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

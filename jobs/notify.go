package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// notifyTimeout bounds the on_failure command and webhook.
const notifyTimeout = 30 * time.Second

// notify calls the configured on_failure command and webhook for a failed
// run. Their own failures are logged, never raised: the run has failed already.
func (r *Runner) notify(ctx context.Context, res *Result) {
	of := r.Config.Serve.OnFailure
	if len(of.Command) == 0 && of.Webhook == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), notifyTimeout)
	defer cancel()
	host, _ := os.Hostname()
	if len(of.Command) > 0 {
		cmd := exec.CommandContext(ctx, of.Command[0], of.Command[1:]...)
		cmd.Env = append(os.Environ(), "STCRECON_JOB="+res.Job, "STCRECON_RUN_ID="+strconv.FormatInt(res.RunID, 10),
			"STCRECON_ERROR="+res.Err.Error())
		if out, err := cmd.CombinedOutput(); err != nil {
			r.log().Error("on_failure command failed", "job", res.Job, "command", of.Command[0], "error", err, "output", string(out))
		}
	}
	if of.Webhook != "" {
		body, _ := json.Marshal(map[string]any{"job": res.Job, "run_id": res.RunID,
			"started_at": res.StartedAt.Format(time.RFC3339), "error": res.Err.Error(), "host": host})
		if err := post(ctx, of.Webhook, body); err != nil {
			r.log().Error("on_failure webhook failed", "job", res.Job, "error", err)
		}
	}
}

func post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

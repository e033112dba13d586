// Check-in page: scan a volunteer's QR code with the camera, where the browser can.
// Without BarcodeDetector or a camera the button stays hidden and the code field does the job.

const form = document.querySelector("[data-scan-form]");

async function canScan() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return false;
  try {
    return (await window.BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

function setUp(form) {
  const button = form.querySelector("[data-scan]");
  const view = form.querySelector("[data-scan-view]");
  const video = form.querySelector("[data-scan-video]");
  const status = form.querySelector("[data-scan-status]");
  const field = form.querySelector("input[name=code]");
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  let stream = null;

  function stop() {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    view.hidden = true;
    button.hidden = false;
  }

  async function look() {
    if (!stream) return;
    try {
      const [code] = await detector.detect(video);
      if (code?.rawValue) {
        stop();
        field.value = code.rawValue;
        form.requestSubmit();
        return;
      }
    } catch {
      // The video is not ready yet: try again on the next frame.
    }
    window.setTimeout(look, 200);
  }

  button.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch {
      status.textContent = status.dataset.noCamera;
      field.focus();
      return;
    }
    video.srcObject = stream;
    view.hidden = false;
    button.hidden = true;
    await video.play();
    form.querySelector("[data-scan-stop]").focus();
    look();
  });
  form.querySelector("[data-scan-stop]").addEventListener("click", () => {
    stop();
    button.focus();
  });
  window.addEventListener("pagehide", stop);
  button.hidden = false;
}

if (form && (await canScan())) setUp(form);

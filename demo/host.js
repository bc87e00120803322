// The host page's own script: it only uses the public API that the drop-in script exposes.
document.getElementById('open-chat').addEventListener('click', () => window.AmoiqChat?.open());

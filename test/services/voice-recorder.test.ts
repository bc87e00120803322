import { expect } from '@open-wc/testing';
import { VoiceRecorder, pickVoiceNoteType } from '../../src/services/voice/recorder.js';
import { until } from '../helpers/until.js';
import { recordingGetUserMedia, refusingGetUserMedia } from '../helpers/voice-fakes.js';

// MediaRecorder on Chromium's fake microphone (--use-fake-device-for-media-stream).

describe('pickVoiceNoteType', () => {
  it('prefers Opus in WebM, then MP4, then Ogg; none when the browser records none', () => {
    const only =
      (...types: string[]) =>
      (t: string) =>
        types.includes(t);
    expect(pickVoiceNoteType(only('audio/webm;codecs=opus', 'audio/mp4', 'audio/ogg'))).to.equal('audio/webm;codecs=opus');
    expect(pickVoiceNoteType(only('audio/mp4', 'audio/ogg'))).to.equal('audio/mp4');
    expect(pickVoiceNoteType(only('audio/ogg'))).to.equal('audio/ogg');
    expect(pickVoiceNoteType(only('video/webm'))).to.equal(undefined);
    expect(
      pickVoiceNoteType(() => {
        throw new Error('old Safari');
      }),
    ).to.equal(undefined);
  });
});

describe('VoiceRecorder', () => {
  it('records a non-empty audio file of the chosen type, with a live timer and level, and releases the microphone', async () => {
    const media = recordingGetUserMedia();
    const recorder = new VoiceRecorder({ getUserMedia: media.getUserMedia, maxSeconds: 30 });
    await recorder.start();
    expect(recorder.snapshot).to.include({ state: 'recording', mimeType: 'audio/webm;codecs=opus' });
    await until(() => recorder.level() > 0.1, 'the level meter sees the fake microphone', 10_000, 20);
    await until(() => recorder.elapsedMs() >= 1500, 'a second and a half recorded');
    const file = await recorder.finish();
    expect(file).to.be.instanceOf(File);
    expect(file.type).to.equal('audio/webm');
    expect(file.name).to.match(/^voice-message-\d{8}-\d{6}\.webm$/);
    expect(file.size).to.be.greaterThan(1000);
    expect(recorder.snapshot).to.include({ state: 'stopped', limitReached: false });
    expect(recorder.snapshot.durationMs).to.be.at.least(1500);
    expect(
      media.streams[0].getTracks().every((t) => t.readyState === 'ended'),
      'microphone released',
    ).to.equal(true);
    // The file decodes as audio.
    const decoded = await new AudioContext().decodeAudioData(await file.arrayBuffer());
    expect(decoded.duration).to.be.greaterThan(1);
  });

  it('stops by itself at the maximum length and keeps the note for sending', async () => {
    const recorder = new VoiceRecorder({ maxSeconds: 1 });
    await recorder.start();
    await until(() => recorder.state === 'stopped', 'stopped at the limit', 10_000);
    expect(recorder.snapshot.limitReached).to.equal(true);
    expect(recorder.elapsedMs()).to.equal(1000);
    const file = await recorder.finish();
    expect(file.size).to.be.greaterThan(0);
  });

  it('cancel throws the note away and releases the microphone', async () => {
    const media = recordingGetUserMedia();
    const recorder = new VoiceRecorder({ getUserMedia: media.getUserMedia });
    await recorder.start();
    recorder.cancel();
    expect(recorder.state).to.equal('cancelled');
    const error = await recorder.finish().catch((e: DOMException) => e);
    expect((error as DOMException).name).to.equal('AbortError');
    expect(media.streams[0].getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('a refused microphone fails with permission_denied; no MediaRecorder fails with unsupported', async () => {
    const denied = new VoiceRecorder({ getUserMedia: refusingGetUserMedia('NotAllowedError') });
    expect(await denied.start().catch((e: { code: string }) => e.code)).to.equal('permission_denied');
    expect(denied.snapshot).to.include({ state: 'failed', problem: 'permission_denied' });
    const old = new VoiceRecorder({ MediaRecorder: { isTypeSupported: () => false } as unknown as typeof MediaRecorder });
    expect(await old.start().catch((e: { code: string }) => e.code)).to.equal('unsupported');
  });
});

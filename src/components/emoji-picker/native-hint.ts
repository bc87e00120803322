/**
 * Which shortcut of the system's own emoji picker to suggest in `<amoiq-emoji-picker>`: Windows
 * (Win + .) or macOS (Ctrl + Cmd + Space); undefined elsewhere (no single shortcut to name). Small
 * and in the initial bundle: the picker itself is loaded lazily.
 */
export function nativePickerPlatform(
  nav: Pick<Navigator, 'platform' | 'userAgent'> & { userAgentData?: { platform?: string } } = navigator,
): 'windows' | 'mac' | undefined {
  const platform = nav.userAgentData?.platform || nav.platform || nav.userAgent || '';
  if (/^win/i.test(platform) || /Windows NT/.test(platform)) return 'windows';
  if (/^mac/i.test(platform) || /Macintosh/.test(platform)) return 'mac';
  return undefined;
}

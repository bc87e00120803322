/**
 * The picker's curated set: 224 common emoji in eight groups, chosen to render on every
 * current system (no skin-tone or multi-person sequences). Part of the lazily loaded picker,
 * never of the initial bundle (scripts/check-size.js fails the build otherwise).
 */

/** Ids of the groups; their localized names are `emojiGroups` in the locale files. */
export type EmojiGroupId = 'smileys' | 'people' | 'nature' | 'food' | 'activities' | 'travel' | 'objects' | 'symbols';

/** One tab of the picker. */
export interface EmojiGroup {
  id: EmojiGroupId;
  /** Shown on the group's tab. */
  icon: string;
  emoji: readonly string[];
}

const group = (id: EmojiGroupId, list: string): EmojiGroup => {
  const emoji = list.trim().split(/\s+/);
  return { id, icon: emoji[0], emoji };
};

/** Every group, in tab order. */
export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  group(
    'smileys',
    `😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 🙃 😉 😌 😍 🥰 😘 😋 😜 🤪 🤓 😎 🤩 🥳 😏 😒 😔 🙁 🥺 😢 😭 😤 😠 😱 🤗 🤔 🤫 😐 🙄 😴`,
  ),
  group('people', `👋 ✋ 👌 ✌️ 🤞 🤟 🤙 👈 👉 👆 👇 👍 👎 ✊ 👊 👏 🙌 🤲 🤝 🙏 ✍️ 💪 👀 🙋 🤷 🤦`),
  group('nature', `🐶 🐱 🐭 🐰 🦊 🐻 🐼 🐨 🐯 🦁 🐮 🐷 🐸 🐵 🐔 🐧 🦄 🐝 🦋 🐢 🐬 🌵 🌴 🍀 🌸 🌻 🌈 🔥`),
  group('food', `🍔 🍎 🍊 🍋 🍌 🍉 🍇 🍓 🍒 🍍 🥑 🥦 🥕 🌽 🍞 🥐 🧀 🍳 🥞 🍟 🍕 🌮 🍣 🍜 🍦 🍩 🍪 🎂 ☕ 🍷`),
  group('activities', `⚽ 🏀 🏈 ⚾ 🎾 🏐 🏓 🥊 ⛳ 🎣 🏆 🥇 🎉 🎊 🎈 🎁 🎄 🎃 🎮 🎲 🧩 🎨 🎬 🎤 🎧 🎸`),
  group('travel', `🚗 🚕 🚌 🚑 🚚 🚲 🚆 ✈️ 🚀 🚁 ⛵ 🚢 🗺️ 🏠 🏢 🏥 🏨 🏫 🗽 🏰 🏖️ 🏔️ ⛺ 🌍`),
  group('objects', `💡 ⌚ 📱 💻 ⌨️ 🖥️ 📷 📞 ⏰ 🔋 🔌 💸 💳 🧾 ✉️ 📦 📝 📎 ✂️ 📌 📅 📈 🔒 🔑`),
  group('symbols', `❤️ 🧡 💛 💚 💙 💜 🖤 💔 💯 ✅ ❌ ❗ ❓ ⚠️ 🚫 ⛔ ⭕ ➕ ➖ ➡️ ⬅️ 🔄 🆗 🆘 ♻️ 💬`),
];

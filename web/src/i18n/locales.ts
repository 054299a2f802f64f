// Every language's whole translation tree: the main file plus the inbox's own files (`chat/` for
// the conversation pane and composer, `conv/` for the list, side panel and attention, `channels/`
// for channel health, the connect form and starting a conversation), merged
// under their top-level keys so the files can grow without touching each other.

import chatEn from "./chat/en.json";
import chatEs from "./chat/es.json";
import chatPt from "./chat/pt-BR.json";
import channelsEn from "./channels/en.json";
import channelsEs from "./channels/es.json";
import channelsPt from "./channels/pt-BR.json";
import convEn from "./conv/en.json";
import convEs from "./conv/es.json";
import convPt from "./conv/pt-BR.json";
import en from "./en.json";
import es from "./es.json";
import ptBR from "./pt-BR.json";

export type Translation = typeof ptBR & { chat: typeof chatPt; conv: typeof convPt; channels: typeof channelsPt };

export const translations = {
  "pt-BR": { ...ptBR, chat: chatPt, conv: convPt, channels: channelsPt } as Translation,
  en: { ...en, chat: chatEn, conv: convEn, channels: channelsEn },
  es: { ...es, chat: chatEs, conv: convEs, channels: channelsEs },
};

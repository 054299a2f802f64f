// Every language's whole translation tree: the main file plus the inbox's own files (`chat/` for
// the conversation pane and composer, `conv/` for the list, side panel and attention, `lifecycle/`
// for taking, resolving and undoing), merged
// under their top-level keys so the files can grow without touching each other.

import chatEn from "./chat/en.json";
import chatEs from "./chat/es.json";
import chatPt from "./chat/pt-BR.json";
import convEn from "./conv/en.json";
import convEs from "./conv/es.json";
import convPt from "./conv/pt-BR.json";
import en from "./en.json";
import es from "./es.json";
import lifecycleEn from "./lifecycle/en.json";
import lifecycleEs from "./lifecycle/es.json";
import lifecyclePt from "./lifecycle/pt-BR.json";
import ptBR from "./pt-BR.json";

export type Translation = typeof ptBR & { chat: typeof chatPt; conv: typeof convPt; lifecycle: typeof lifecyclePt };

export const translations = {
  "pt-BR": { ...ptBR, chat: chatPt, conv: convPt, lifecycle: lifecyclePt } as Translation,
  en: { ...en, chat: chatEn, conv: convEn, lifecycle: lifecycleEn },
  es: { ...es, chat: chatEs, conv: convEs, lifecycle: lifecycleEs },
};
